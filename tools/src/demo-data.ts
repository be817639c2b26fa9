/** Deterministic demo content: the same seed gives the same platform every time. */

export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller: a normal variate from two uniform ones. */
export function normal(random: () => number, mean: number, sd: number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const FIRST = ["Aarav", "Diya", "Vivaan", "Ananya", "Aditya", "Isha", "Kabir", "Meera", "Rohan", "Saanvi", "Arjun", "Kavya", "Ishaan", "Riya", "Vihaan", "Tara", "Reyansh", "Naina", "Ayaan", "Pooja"];
const LAST = ["Sharma", "Iyer", "Khan", "Nair", "Gupta", "Reddy", "Das", "Menon", "Joshi", "Bose"];

export const studentName = (index: number) => `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`;

export const SECTIONS = [
  { topic: "english", count: 24, prompt: "Read the passage. Which statement best captures the author's view" },
  { topic: "current-affairs", count: 28, prompt: "Which of these events, reported this year, concerns" },
  { topic: "legal-reasoning", count: 32, prompt: "Apply the principle to the facts: is the party liable when" },
  { topic: "logical-reasoning", count: 24, prompt: "If all the premises hold, which conclusion must follow about" },
  { topic: "quantitative", count: 12, prompt: "From the table, what is the percentage change in" },
] as const;

export const LESSONS = [
  ["How CLAT is scored", "120 questions, one mark each, a quarter off for every wrong answer: when to guess and when to skip."],
  ["Reading comprehension strategy", "Skim for structure, read for argument, answer from the text, not from what you know."],
  ["Vocabulary in context", "Infer meaning from the sentence around a word; eliminate options that change the tone."],
  ["Current affairs: building a weekly habit", "Read two sources, keep a one-page digest, revise it every Sunday."],
  ["Legal principles and facts", "Apply only the principle given; never import outside law into a question."],
  ["Torts: negligence and liability", "Duty, breach, damage: the three questions to ask of every negligence fact pattern."],
  ["Contracts: offer and acceptance", "When a contract is formed, and what revocation and counter-offers do to it."],
  ["Constitutional law basics", "Fundamental rights, the directive principles, and how courts read them together."],
  ["Critical reasoning: assumptions", "Find the unstated premise an argument needs; test each option by negating it."],
  ["Syllogisms and arrangements", "Diagram before answering: Venn diagrams for syllogisms, grids for seatings."],
  ["Data interpretation essentials", "Percentages, ratios and averages from tables and charts, quickly and safely."],
  ["Mock test review method", "After each mock: classify every error, revisit the concept, retest in a week."],
] as const;

export const MATERIALS = [
  ["GK Digest: November week 3", "GK_DIGEST", "current-affairs", "Summits, appointments, awards and judgments of the week, with one-line context for each."],
  ["GK Digest: November week 2", "GK_DIGEST", "current-affairs", "International agreements, economic indicators and the week's major Supreme Court rulings."],
  ["How to read a judgment", "ARTICLE", "legal-reasoning", "Facts, issues, arguments, reasoning, holding: reading a judgment in five passes."],
  ["Negative marking: the expected value of a guess", "ARTICLE", "strategy", "With four options and a quarter off, a guess between two options is worth taking."],
  ["Weekly revision planner", "TEMPLATE", "strategy", "A seven-day grid: two sections a day, one mock on Sunday, review on Monday."],
  ["Legal maxims handbook", "TRAINING", "legal-reasoning", "Fifty maxims that recur in legal reasoning passages, each with an example."],
] as const;

export const MAXIMS = [
  ["Audi alteram partem", "Hear the other side"],
  ["Res judicata", "A matter already judged"],
  ["Ubi jus ibi remedium", "Where there is a right there is a remedy"],
  ["Volenti non fit injuria", "No injury to one who consents"],
  ["Actus non facit reum nisi mens sit rea", "The act is not guilty unless the mind is guilty"],
  ["Caveat emptor", "Let the buyer beware"],
  ["Nemo judex in causa sua", "No one should judge their own cause"],
  ["Ignorantia juris non excusat", "Ignorance of the law excuses no one"],
  ["Damnum sine injuria", "Damage without legal injury"],
  ["Injuria sine damno", "Legal injury without damage"],
  ["Quid pro quo", "Something for something"],
  ["Stare decisis", "Stand by decided cases"],
] as const;
