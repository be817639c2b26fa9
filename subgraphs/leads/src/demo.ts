import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { DemoPart } from "@solo/kit";
import { seededRandom } from "@solo/kit";
import { Campaign, LeadStatus, ScoringWeight, leadSearchText } from "./entities";
import { leadScore, rescoreOwner } from "./services/scoring";
import type { Weight } from "./services/scoring";

/**
 * The demo's leads (`npm run seed`): the demo marketer's prospects among law faculty, school
 * counsellors and coaching centres, who could send students to the CLAT course. Scored by the
 * marketer's weights (set twice, so scores have a history), spread along the pipeline, and two
 * campaigns with their funnels down to signups.
 * @public read by tools/test/seed.test.ts from the built module
 */
export const DEMO_LEADS = {
  leads: 3_000,
  /** The weights scores were first computed with, 100 days ago (engagement was not tracked yet)… */
  firstWeights: { publications: 2, grants: 1, seniority: 1 },
  /** …and the ones they have now, since 14 days ago. */
  weights: { publications: 3, grants: 2, seniority: 2, engagement: 3 },
  campaigns: [
    { name: "CLAT 2027 counsellors' webinar", channel: "webinar", leads: 900, startedDaysAgo: 30, endedDaysAgo: 12, walkIns: 37 },
    { name: "Law faculty referral mailer", channel: "email", leads: 600, startedDaysAgo: 21, endedDaysAgo: null, walkIns: 18 },
  ],
  /**
   * users' demo instructor (DEMO_PEOPLE.instructor): a faculty lead the mailer converted, so a
   * signup linked to an account shows (`convertedUser`). The seed test checks the link holds.
   */
  convertedAccountEmail: "instructor@demo.solo",
};

const FIRST = [
  "Anjali",
  "Rajesh",
  "Priya",
  "Sanjay",
  "Deepa",
  "Vikram",
  "Lakshmi",
  "Suresh",
  "Neha",
  "Amit",
  "Kavita",
  "Manoj",
  "Sunita",
  "Rahul",
  "Farah",
  "Arvind",
  "Geeta",
  "Imran",
  "Shalini",
  "Naveen",
  "Rekha",
  "Harish",
  "Swati",
  "Gautam",
  "Bhavna",
  "Tarun",
  "Sneha",
  "Abhishek",
  "Zoya",
  "Prakash",
];
const LAST = [
  "Agarwal",
  "Banerjee",
  "Chatterjee",
  "Deshpande",
  "Fernandes",
  "Ghosh",
  "Hegde",
  "Iyengar",
  "Jain",
  "Kulkarni",
  "Mathur",
  "Mukherjee",
  "Pillai",
  "Qureshi",
  "Rao",
  "Saxena",
  "Srinivasan",
  "Thakur",
  "Verma",
  "Yadav",
];
const CITIES = [
  "Delhi",
  "Mumbai",
  "Bengaluru",
  "Hyderabad",
  "Pune",
  "Kolkata",
  "Chennai",
  "Jaipur",
  "Lucknow",
  "Bhopal",
  "Patna",
  "Chandigarh",
  "Kochi",
  "Guwahati",
  "Indore",
];

/** Kinds of prospect: where they work, the titles they hold (with how senior), and their usual signals. */
interface Kind {
  places: readonly string[];
  /** Each with how senior it is, 0 to 1. */
  titles: readonly (readonly [string, number])[];
  /** The range each signal is drawn from ([0, 0]: the kind never has it). */
  publications: readonly [number, number];
  grants: readonly [number, number];
}

const KINDS: readonly Kind[] = [
  {
    places: [
      "Deccan National Law University",
      "Ganga Valley School of Law",
      "Western India Law College",
      "Coromandel Institute of Legal Studies",
      "Vindhya Law University",
    ],
    titles: [
      ["Dean, School of Law", 1],
      ["Professor of Law", 0.9],
      ["Associate Professor of Law", 0.7],
      ["Assistant Professor of Law", 0.45],
      ["Visiting Faculty, Constitutional Law", 0.3],
    ],
    publications: [0.3, 1],
    grants: [0.1, 0.9],
  },
  {
    places: [
      "Greenfield Public School",
      "St. Anselm's Senior Secondary",
      "Lotus Valley International",
      "Sunrise Academy",
      "Kendriya Vidyalaya No. 2",
      "Modern Convent School",
    ],
    titles: [
      ["Principal", 0.95],
      ["Head of Guidance", 0.8],
      ["Senior Career Counsellor", 0.6],
      ["PGT Legal Studies", 0.5],
      ["Career Counsellor", 0.4],
    ],
    publications: [0, 0.2],
    grants: [0, 0.3],
  },
  {
    places: ["LexPrep Academy", "Nyaya CLAT Classes", "Pragati Law Coaching", "Samvidhan Tutorials"],
    titles: [
      ["Director", 0.9],
      ["Academic Head", 0.75],
      ["Senior Mentor", 0.5],
      ["Mentor", 0.3],
    ],
    publications: [0, 0.4],
    grants: [0, 0],
  },
];

const SOURCES = ["conference list", "referral", "partner CRM", "csv import", "website form"];

interface DemoLead {
  id: string;
  name: string;
  email: string;
  title: string;
  company: string;
  location: string;
  linkedin_url: string;
  source: string;
  campaign_id: string | null;
  status: LeadStatus;
  converted_user_id: string | null;
  created_at: string;
  updated_at: string;
}

const DAY = 86_400_000;
const round2 = (value: number) => Math.round(value * 100) / 100;
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "");

/**
 * Where a lead got to: the better its score, the further it tends to go; a campaign's leads were
 * all reached, and only they signed up (CONVERTED); some went cold (LOST).
 */
function statusFor(score: number, inCampaign: boolean, random: () => number): LeadStatus {
  const progress = 0.4 * (score / 100) + 0.6 * random() + (inCampaign ? 0.1 : 0);
  if (inCampaign && progress > 0.8) return LeadStatus.CONVERTED;
  if (progress > 0.7) return LeadStatus.QUALIFIED;
  if (progress > (inCampaign ? 0.4 : 0.55)) return LeadStatus.CONTACTED;
  return random() < (inCampaign ? 0.25 : 0.12) ? LeadStatus.LOST : LeadStatus.NEW;
}

// The search column as the entity's FullTextType('simple') writes it: each of leadSearchText's
// texts (search.A, .B, .C) under its weight, in that order.
const INSERT_LEADS = `
  insert into leads.leads (id, owner_id, name, email, title, company, location, linkedin_url, source, campaign_id, status, score,
                           converted_user_id, created_at, updated_at, search_vector)
  select r.id, ?, r.name, r.email, r.title, r.company, r.location, r.linkedin_url, r.source, r.campaign_id, r.status, 0,
         r.converted_user_id, r.created_at, r.updated_at,
         setweight(to_tsvector('simple', r.search->>'A'), 'A') || setweight(to_tsvector('simple', r.search->>'B'), 'B')
           || setweight(to_tsvector('simple', r.search->>'C'), 'C')
    from jsonb_to_recordset(?::jsonb) as r(id uuid, name text, email text, title text, company text, location text, linkedin_url text, source text,
                                          campaign_id uuid, status text, converted_user_id uuid, created_at timestamptz, updated_at timestamptz,
                                          search jsonb)`;

async function setWeights(em: EntityManager, ownerId: string, weights: Record<string, number>): Promise<Weight[]> {
  await em.nativeDelete(ScoringWeight, { ownerId });
  const rows = Object.entries(weights).map(([signal, weight]) => ({ ownerId, signal, weight }));
  await em.insertMany(ScoringWeight, rows);
  return rows;
}

export const leadsDemo: DemoPart = {
  isLoaded: async (em: EntityManager) => (await em.count(Campaign, { name: { $in: DEMO_LEADS.campaigns.map((campaign) => campaign.name) } })) > 0,
  async load(em: EntityManager, earlier, log) {
    const { marketerId, instructorId } = earlier.users as { marketerId: string; instructorId: string };
    // Deterministic: the same leads every time.
    const random = seededRandom(12);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const between = ([low, high]: readonly [number, number]) => round2(low + (high - low) * random());
    const now = Date.now();
    const rescoredFirst = new Date(now - 100 * DAY);
    const rescoredNow = new Date(now - 14 * DAY);

    const campaigns = DEMO_LEADS.campaigns.map((demo) => ({
      ...demo,
      id: randomUUID(),
      startsAt: new Date(now - demo.startedDaysAgo * DAY),
      endsAt: demo.endedDaysAgo === null ? null : new Date(now - demo.endedDaysAgo * DAY),
    }));
    await em.insertMany(
      Campaign,
      campaigns.map((campaign) => ({
        id: campaign.id,
        ownerId: marketerId,
        name: campaign.name,
        channel: campaign.channel,
        startsAt: campaign.startsAt,
        endsAt: campaign.endsAt,
        createdAt: new Date(campaign.startsAt.getTime() - 7 * DAY),
      })),
    );

    // Campaign leads first (the webinar's, then the mailer's), then the rest, which no campaign reached.
    const campaignOf = (index: number) => {
      let first = 0;
      for (const campaign of campaigns) {
        if (index < first + campaign.leads) return campaign;
        first += campaign.leads;
      }
      return null;
    };
    const finalWeights = Object.entries(DEMO_LEADS.weights).map(([signal, weight]) => ({ signal, weight }));
    const leads: DemoLead[] = [];
    const signals: { lead_id: string; name: string; value: number }[] = [];
    for (let index = 0; index < DEMO_LEADS.leads; index++) {
      const campaign = campaignOf(index);
      // The mailer went to faculty; the webinar to schools and coaching centres.
      const draw = random();
      const kind = campaign?.channel === "email" ? KINDS[0] : campaign ? (draw < 0.75 ? KINDS[1] : KINDS[2]) : draw < 0.35 ? KINDS[0] : draw < 0.8 ? KINDS[1] : KINDS[2];
      const [title, seniority] = pick(kind.titles);
      const company = pick(kind.places);
      const first = pick(FIRST);
      const last = pick(LAST);
      const id = randomUUID();
      const own: Record<string, number> = {
        publications: between(kind.publications),
        seniority: round2(Math.min(1, Math.max(0, seniority + (random() - 0.5) * 0.1))),
        engagement: between(campaign ? [0.3, 1] : [0, 0.7]),
      };
      // Coaching centres win no grants: no grants signal at all (it counts 0).
      if (kind.grants[1] > 0) own.grants = between(kind.grants);
      for (const [name, value] of Object.entries(own)) signals.push({ lead_id: id, name, value });
      const createdAt = new Date(now - (120 + Math.floor(random() * 280)) * DAY - Math.floor(random() * DAY));
      const status = statusFor(leadScore(finalWeights, own), campaign !== null, random);
      // Moved along the pipeline since the last rescore (NEW ones last changed then).
      const updatedAt = status === LeadStatus.NEW ? rescoredNow : new Date(rescoredNow.getTime() + 60_000 + Math.floor(random() * (14 * DAY - 120_000)));
      leads.push({
        id,
        name: `${first} ${last}`,
        email: `${first}.${last}.${index + 1}@${slug(company)}.example`.toLowerCase(),
        title,
        company,
        location: pick(CITIES),
        linkedin_url: `https://www.linkedin.com/in/${slug(first)}-${slug(last)}-${(index + 1).toString(36)}`,
        source: campaign ? (campaign.channel === "webinar" ? "webinar form" : "referral") : pick(SOURCES),
        campaign_id: campaign?.id ?? null,
        status,
        converted_user_id: null,
        created_at: createdAt.toISOString(),
        updated_at: updatedAt.toISOString(),
      });
    }
    // One faculty lead of the mailer signed up with the account they teach with.
    const mailer = campaigns[1];
    const teacher = leads.find((lead) => lead.campaign_id === mailer.id)!;
    Object.assign(teacher, { name: "Leela Rao", email: DEMO_LEADS.convertedAccountEmail, status: LeadStatus.CONVERTED, converted_user_id: instructorId });

    for (let start = 0; start < leads.length; start += 1_000) {
      const rows = leads.slice(start, start + 1_000).map((lead) => ({ ...lead, search: leadSearchText(lead) }));
      await em.execute(INSERT_LEADS, [marketerId, JSON.stringify(rows)]);
    }
    await em.execute(
      `insert into leads.lead_signals (lead_id, name, value) select lead_id, name, value from jsonb_to_recordset(?::jsonb) as r(lead_id uuid, name text, value float8)`,
      [JSON.stringify(signals)],
    );

    // Scored by the subgraph's own rescore (what rescoreLeads runs), as the marketer would have:
    // with the first weights, then the current ones (each change kept in the history).
    await setWeights(em, marketerId, DEMO_LEADS.firstWeights);
    await rescoreOwner(em, marketerId, rescoredFirst);
    await setWeights(em, marketerId, DEMO_LEADS.weights);
    const { changed } = await rescoreOwner(em, marketerId, rescoredNow);
    // The rescore stamped every lead whose score changed; pipeline moves came after it.
    await em.execute(`update leads.leads l set updated_at = r.updated_at from jsonb_to_recordset(?::jsonb) as r(id uuid, updated_at timestamptz) where l.id = r.id`, [
      JSON.stringify(leads.map(({ id, updated_at }) => ({ id, updated_at }))),
    ]);

    // Each converted lead signed up through its campaign; a few people signed up whom no lead named.
    const signups: { campaign_id: string | null; email: string; name: string; lead_id: string | null; user_id: string | null; created_at: string }[] = leads
      .filter((lead) => lead.status === LeadStatus.CONVERTED)
      .map((lead) => ({
        campaign_id: lead.campaign_id,
        email: lead.email,
        name: lead.name,
        lead_id: lead.id,
        user_id: lead.converted_user_id,
        created_at: lead.updated_at,
      }));
    for (const campaign of campaigns) {
      for (let n = 0; n < campaign.walkIns; n++) {
        const name = `${pick(FIRST)} ${pick(LAST)}`;
        const at = new Date(campaign.startsAt.getTime() + random() * ((campaign.endsAt?.getTime() ?? now) - campaign.startsAt.getTime()));
        signups.push({
          campaign_id: campaign.id,
          email: `${slug(name)}.${slug(campaign.channel)}${n + 1}@mail.example`,
          name,
          lead_id: null,
          user_id: null,
          created_at: at.toISOString(),
        });
      }
    }
    await em.execute(
      `insert into leads.signups (id, campaign_id, email, name, lead_id, user_id, created_at)
       select gen_random_uuid(), campaign_id, email, name, lead_id, user_id, created_at
         from jsonb_to_recordset(?::jsonb) as r(campaign_id uuid, email text, name text, lead_id uuid, user_id uuid, created_at timestamptz)`,
      [JSON.stringify(signups)],
    );

    const byStatus = Object.values(LeadStatus).map((status) => `${leads.filter((lead) => lead.status === status).length} ${status}`);
    log(
      `${leads.length} leads of the demo marketer (${byStatus.join(", ")}), scored by ${finalWeights.map((w) => `${w.signal} ×${w.weight}`).join(", ")} (${changed} rescored 14 days ago), and the campaigns ${campaigns.map((c) => `"${c.name}"`).join(" and ")} with ${signups.length} signups.`,
    );
    return { campaignIds: campaigns.map((campaign) => campaign.id) };
  },
};
