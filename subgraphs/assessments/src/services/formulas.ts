/**
 * The arithmetic of exam preparation, as the contract defines it. Pure functions: the resolvers
 * feed them rows, the unit tests feed them worked examples.
 */

export interface ScoredQuestion {
  id: string;
  marks: number;
  correctOption: number;
  topic: string;
}

export interface GivenAnswer {
  questionId: string;
  choice: number | null;
}

interface TopicScore {
  topic: string;
  correct: number;
  incorrect: number;
  unanswered: number;
  score: number;
}

export interface AttemptScore {
  score: number;
  maxScore: number;
  correctCount: number;
  incorrectCount: number;
  unansweredCount: number;
  breakdown: TopicScore[];
}

/** Keeps sums of quarter marks exact enough to compare: 0.1 + 0.2 must equal 0.3 here. */
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * A correct answer adds the question's marks; a wrong one subtracts negativeMarking × marks;
 * unanswered (or cleared) adds nothing. maxScore is the sum of marks.
 */
export function scoreAttempt(questions: ScoredQuestion[], answers: GivenAnswer[], negativeMarking: number): AttemptScore {
  const choices = new Map(answers.map((answer) => [answer.questionId, answer.choice]));
  const topics = new Map<string, TopicScore>();
  const total = { score: 0, maxScore: 0, correctCount: 0, incorrectCount: 0, unansweredCount: 0 };
  for (const question of questions) {
    const topic = topics.get(question.topic) ?? { topic: question.topic, correct: 0, incorrect: 0, unanswered: 0, score: 0 };
    topics.set(question.topic, topic);
    total.maxScore += question.marks;
    const choice = choices.get(question.id);
    if (choice === undefined || choice === null) {
      topic.unanswered += 1;
      total.unansweredCount += 1;
    } else if (choice === question.correctOption) {
      topic.correct += 1;
      topic.score += question.marks;
      total.correctCount += 1;
      total.score += question.marks;
    } else {
      topic.incorrect += 1;
      topic.score -= negativeMarking * question.marks;
      total.incorrectCount += 1;
      total.score -= negativeMarking * question.marks;
    }
  }
  return {
    ...total,
    score: round(total.score),
    maxScore: round(total.maxScore),
    breakdown: [...topics.values()].map((topic) => ({ ...topic, score: round(topic.score) })).sort((a, b) => a.topic.localeCompare(b.topic)),
  };
}

/**
 * 100 × (others scoring lower + ½ × others scoring equal) / others, where "others" are the scores of
 * the other users' ranked attempts on the test; 100 when there are none.
 */
export function percentile(score: number, othersRanked: number[]): number {
  if (!othersRanked.length) return 100;
  let lower = 0;
  let equal = 0;
  for (const other of othersRanked) {
    if (other < score) lower += 1;
    else if (other === score) equal += 1;
  }
  return round((100 * (lower + equal / 2)) / othersRanked.length);
}

/**
 * An attempt's percentile among the ranked attempts of the other users: its own user's ranked
 * attempt is left out whether this attempt is that one or a practice one.
 */
export function percentileAmongRanked(attempt: { userId: string; score: number }, ranked: { userId: string; score: number }[]): number {
  return percentile(
    attempt.score,
    ranked.filter((other) => other.userId !== attempt.userId).map((other) => other.score),
  );
}

export interface RankPrediction {
  predictedRank: number;
  rankLow: number;
  rankHigh: number;
  percentile: number;
  candidates: number;
  basedOnAttempts: number;
}

/** floor((1 − p/100) × candidates) + 1, clamped to 1..candidates. */
export function rankAtPercentile(p: number, candidates: number): number {
  // Rounded before the floor: (1 − 0.9) × 10000 is 999.9999999999998 in floating point, not 1000.
  const rank = Math.floor(round(((100 - p) * candidates) / 100)) + 1;
  return Math.min(candidates, Math.max(1, rank));
}

/**
 * From the user's last (up to 5) percentiles on the course's tests: p = their mean, the rank at p,
 * and the range from p + σ (better, lower rank) to p − σ (population standard deviation).
 */
export function predictRank(percentiles: number[], candidates: number): RankPrediction | null {
  if (!percentiles.length || candidates < 1) return null;
  const mean = percentiles.reduce((sum, value) => sum + value, 0) / percentiles.length;
  const variance = percentiles.reduce((sum, value) => sum + (value - mean) ** 2, 0) / percentiles.length;
  const sigma = Math.sqrt(variance);
  const clampP = (value: number) => Math.min(100, Math.max(0, value));
  return {
    predictedRank: rankAtPercentile(mean, candidates),
    rankLow: rankAtPercentile(clampP(mean + sigma), candidates),
    rankHigh: rankAtPercentile(clampP(mean - sigma), candidates),
    percentile: round(mean),
    candidates,
    basedOnAttempts: percentiles.length,
  };
}

export interface LeaderboardEntry {
  userId: string;
  score: number;
  submittedAt: Date;
}

/**
 * The ranked attempts (one per user, their first submitted), higher score first; equal scores by
 * earlier submission, then by user id so the order never changes between reads.
 */
export function leaderboard(ranked: LeaderboardEntry[]): (LeaderboardEntry & { rank: number })[] {
  return [...ranked]
    .sort((a, b) => b.score - a.score || a.submittedAt.getTime() - b.submittedAt.getTime() || a.userId.localeCompare(b.userId))
    .map((entry, index) => ({ ...entry, rank: index + 1 }));
}

export interface ReviewState {
  easiness: number;
  intervalDays: number;
  repetitions: number;
}

export const NEW_CARD: ReviewState = { easiness: 2.5, intervalDays: 0, repetitions: 0 };

/**
 * SM-2, in the contract's order. Grade 0-5; below 3 starts over (repetitions 0, interval 1 day);
 * otherwise the interval is 1, then 6, then previous × easiness (the easiness before this review).
 * Then easiness += 0.1 − (5 − g)(0.08 + 0.02(5 − g)), never below 1.3, after every review.
 */
export function sm2(state: ReviewState, grade: number): ReviewState {
  if (!Number.isInteger(grade) || grade < 0 || grade > 5) throw new RangeError("grade must be an integer from 0 to 5");
  const easiness = Math.max(1.3, round(state.easiness + 0.1 - (5 - grade) * (0.08 + 0.02 * (5 - grade))));
  if (grade < 3) return { easiness, intervalDays: 1, repetitions: 0 };
  const repetitions = state.repetitions + 1;
  const intervalDays = repetitions === 1 ? 1 : repetitions === 2 ? 6 : round(state.intervalDays * state.easiness);
  return { easiness, intervalDays, repetitions };
}

/** The calendar day of an instant in an IANA time zone, as YYYY-MM-DD. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * Consecutive days, in the user's time zone, with some study activity, counting back from today
 * (or from yesterday, if nothing has happened yet today: a streak is not broken before the day ends).
 */
export function currentStreakDays(activity: Date[], now: Date, timeZone: string): number {
  const days = new Set(activity.map((instant) => localDay(instant, timeZone)));
  const dayBefore = (day: string) => {
    const date = new Date(`${day}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() - 1);
    return date.toISOString().slice(0, 10);
  };
  let day = localDay(now, timeZone);
  if (!days.has(day)) day = dayBefore(day);
  let streak = 0;
  while (days.has(day)) {
    streak += 1;
    day = dayBefore(day);
  }
  return streak;
}
