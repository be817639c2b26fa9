import type { EntityManager } from "@mikro-orm/postgresql";
import type { DemoPart } from "@solo/kit";
import { Role, User } from "./entities";
import { createPasswordHasher } from "./services/passwords";

/**
 * The demo's people (`npm run seed`): an admin, an instructor, a marketer (the social demo's
 * accounts are theirs) and 200 students, one password for all.
 * @public read by tools/test/seed.test.ts from the built module
 */
export const DEMO_PEOPLE = {
  admin: "admin@demo.solo",
  instructor: "instructor@demo.solo",
  marketer: "marketer@demo.solo",
  students: 200,
  password: "demo password 123",
};

const FIRST = [
  "Aarav",
  "Diya",
  "Vivaan",
  "Ananya",
  "Aditya",
  "Isha",
  "Kabir",
  "Meera",
  "Rohan",
  "Saanvi",
  "Arjun",
  "Kavya",
  "Ishaan",
  "Riya",
  "Vihaan",
  "Tara",
  "Reyansh",
  "Naina",
  "Ayaan",
  "Pooja",
];
const LAST = ["Sharma", "Iyer", "Khan", "Nair", "Gupta", "Reddy", "Das", "Menon", "Joshi", "Bose"];

const studentEmail = (index: number) => `student${String(index + 1).padStart(3, "0")}@demo.solo`;

const studentName = (index: number) => `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`;

export const usersDemo: DemoPart = {
  logins: [
    { role: Role.ADMIN, email: DEMO_PEOPLE.admin, password: DEMO_PEOPLE.password },
    { role: Role.INSTRUCTOR, email: DEMO_PEOPLE.instructor, password: DEMO_PEOPLE.password },
    { role: Role.MARKETER, email: DEMO_PEOPLE.marketer, password: DEMO_PEOPLE.password },
    { role: Role.STUDENT, email: `${studentEmail(0)} … ${studentEmail(DEMO_PEOPLE.students - 1)}`, password: DEMO_PEOPLE.password },
  ],
  isLoaded: async (em: EntityManager) => (await em.count(User, { emailNormalized: DEMO_PEOPLE.instructor })) > 0,
  async load(em: EntityManager, _earlier, log) {
    const now = Date.now();
    const day = 86_400_000;
    const passwordHash = await createPasswordHasher().hash(DEMO_PEOPLE.password);
    const person = (email: string, displayName: string, role: Role, createdAt: Date, timezone = "Asia/Kolkata") =>
      // Demo addresses receive no mail: they count as verified from the start.
      em.create(User, { email, emailNormalized: email, passwordHash, displayName, role, timezone, createdAt, updatedAt: createdAt, emailVerifiedAt: createdAt });
    const admin = person(DEMO_PEOPLE.admin, "Demo Admin", Role.ADMIN, new Date(now - 60 * day), "UTC");
    const instructor = person(DEMO_PEOPLE.instructor, "Prof. Leela Rao", Role.INSTRUCTOR, new Date(now - 60 * day));
    const marketer = person(DEMO_PEOPLE.marketer, "Nisha Kapoor", Role.MARKETER, new Date(now - 400 * day));
    const students = Array.from({ length: DEMO_PEOPLE.students }, (_, i) => person(studentEmail(i), studentName(i), Role.STUDENT, new Date(now - (50 - (i % 40)) * day)));
    await em.flush();
    log(
      `Seeded: ${admin.email} (ADMIN), ${instructor.email} (INSTRUCTOR), ${marketer.email} (MARKETER), ${students.length} students (student001@demo.solo …), password "${DEMO_PEOPLE.password}".`,
    );
    return { instructorId: instructor.id, marketerId: marketer.id, studentIds: students.map((student) => student.id) };
  },
};
