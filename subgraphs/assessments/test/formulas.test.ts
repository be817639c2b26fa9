import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  NEW_CARD,
  currentStreakDays,
  leaderboard,
  localDay,
  percentile,
  percentileAmongRanked,
  predictRank,
  rankAtPercentile,
  scoreAttempt,
  sm2,
} from "../src/services/formulas";

/** Worked examples, computed by hand (the comment beside each shows the arithmetic). */
describe("scoring with negative marking", () => {
  const q = (id: string, marks: number, correctOption: number, topic = "legal") => ({ id, marks, correctOption, topic });

  it("adds marks for right answers, takes a quarter off for wrong ones, nothing for blanks", () => {
    const questions = [q("a", 1, 0), q("b", 1, 1), q("c", 2, 2, "gk"), q("d", 1, 3, "gk")];
    const answers = [
      { questionId: "a", choice: 0 }, // +1
      { questionId: "b", choice: 2 }, // −0.25
      { questionId: "c", choice: 2 }, // +2
      { questionId: "d", choice: null }, // cleared: 0
    ];
    assert.deepEqual(scoreAttempt(questions, answers, 0.25), {
      score: 2.75, // 1 − 0.25 + 2
      maxScore: 5, // 1 + 1 + 2 + 1
      correctCount: 2,
      incorrectCount: 1,
      unansweredCount: 1,
      breakdown: [
        { topic: "gk", correct: 1, incorrect: 0, unanswered: 1, score: 2 },
        { topic: "legal", correct: 1, incorrect: 1, unanswered: 0, score: 0.75 },
      ],
    });
  });

  it("scores a 150-question CLAT paper: 110 right, 30 wrong, 10 blank = 102.5 of 150", () => {
    const questions = Array.from({ length: 150 }, (_, i) => q(`q${i}`, 1, i % 4, i < 75 ? "english" : "logic"));
    const answers = questions.map((question, i) => ({
      questionId: question.id,
      choice: i < 110 ? question.correctOption : i < 140 ? (question.correctOption + 1) % 4 : null,
    }));
    const result = scoreAttempt(questions, answers, 0.25);
    assert.equal(result.score, 102.5); // 110 − 30 × 0.25
    assert.equal(result.maxScore, 150);
    assert.deepEqual([result.correctCount, result.incorrectCount, result.unansweredCount], [110, 30, 10]);
    assert.deepEqual(
      result.breakdown.map((topic) => topic.score),
      [75, 27.5],
    ); // english 75 right; logic 35 right, 30 wrong
  });

  it("can go below zero", () => {
    assert.equal(scoreAttempt([q("a", 4, 0)], [{ questionId: "a", choice: 1 }], 0.25).score, -1);
  });
});

describe("percentile", () => {
  it("counts lower scores and half of the ties among the others", () => {
    // others: 40, 50, 60, 60, 90 → lower 2 (40, 50), equal 2 (60, 60) → 100 × (2 + 1) / 5 = 60
    assert.equal(percentile(60, [40, 50, 60, 60, 90]), 60);
    assert.equal(percentile(95, [40, 50, 60]), 100);
    assert.equal(percentile(10, [40, 50, 60]), 0);
    assert.equal(percentile(50, [50]), 50); // a tie with the only other: ½ / 1
  });

  it("is 100 for a single attempt", () => {
    assert.equal(percentile(12, []), 100);
  });

  it("measures every attempt against the other users' ranked attempts, practice ones too", () => {
    const ranked = [
      { userId: "ana", score: 0 }, // ana's first sitting: blank
      { userId: "ben", score: 3 },
      { userId: "cy", score: 1 },
      { userId: "dev", score: 4 },
    ];
    // ana's ranked 0 among ben 3, cy 1, dev 4: none lower → 0
    assert.equal(percentileAmongRanked({ userId: "ana", score: 0 }, ranked), 0);
    // ana's practice re-sit scoring 4, among ben 3, cy 1, dev 4 (not her own 0): (2 + ½) / 3 = 83.333333
    assert.equal(percentileAmongRanked({ userId: "ana", score: 4 }, ranked), 83.333333);
    // ben's ranked 3 among ana 0, cy 1, dev 4: her practice 4 is nowhere → 2 / 3 = 66.666667
    assert.equal(percentileAmongRanked({ userId: "ben", score: 3 }, ranked), 66.666667);
    // alone on the test: 100, whatever the score
    assert.equal(percentileAmongRanked({ userId: "ana", score: -2 }, [{ userId: "ana", score: 0 }]), 100);
  });
});

describe("rank prediction", () => {
  it("ranks at the mean percentile with a one-σ range", () => {
    // percentiles 80 and 90: mean 85, σ 5; 10 000 candidates
    // predicted floor(0.15 × 10000) + 1 = 1501; low at 90: 1001; high at 80: 2001
    assert.deepEqual(predictRank([80, 90], 10_000), {
      predictedRank: 1501,
      rankLow: 1001,
      rankHigh: 2001,
      percentile: 85,
      candidates: 10_000,
      basedOnAttempts: 2,
    });
  });

  it("has no spread with a single attempt, and clamps to 1..candidates", () => {
    assert.deepEqual(predictRank([100], 50), { predictedRank: 1, rankLow: 1, rankHigh: 1, percentile: 100, candidates: 50, basedOnAttempts: 1 });
    assert.equal(rankAtPercentile(0, 50), 50); // floor(1 × 50) + 1 = 51, clamped
    assert.equal(predictRank([], 50), null);
  });
});

describe("leaderboard", () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute));

  it("orders the ranked attempts by score, ties by earlier submission", () => {
    const board = leaderboard([
      { userId: "ana", score: 90, submittedAt: t(30) },
      { userId: "ben", score: 90, submittedAt: t(20) }, // ties ana, submitted earlier
      { userId: "cy", score: 95, submittedAt: t(40) },
      { userId: "dev", score: 70, submittedAt: t(5) }, // earliest of all, but lowest
    ]);
    assert.deepEqual(
      board.map((entry) => [entry.rank, entry.userId, entry.score]),
      [
        [1, "cy", 95],
        [2, "ben", 90],
        [3, "ana", 90],
        [4, "dev", 70],
      ],
    );
  });

  it("breaks a tie of score and submission time by user id, so the order never changes", () => {
    const board = leaderboard([
      { userId: "zed", score: 50, submittedAt: t(10) },
      { userId: "amy", score: 50, submittedAt: t(10) },
    ]);
    assert.deepEqual(
      board.map((entry) => [entry.rank, entry.userId]),
      [
        [1, "amy"],
        [2, "zed"],
      ],
    );
  });
});

describe("SM-2", () => {
  it("goes 1, 6, then × easiness for good grades", () => {
    const first = sm2(NEW_CARD, 5); // EF 2.5 + 0.1 = 2.6, interval 1
    assert.deepEqual(first, { easiness: 2.6, intervalDays: 1, repetitions: 1 });
    const second = sm2(first, 4); // EF 2.6 + 0.1 − 1 × (0.08 + 0.02) = 2.6, interval 6
    assert.deepEqual(second, { easiness: 2.6, intervalDays: 6, repetitions: 2 });
    const third = sm2(second, 3); // interval 6 × 2.6 = 15.6; EF 2.6 + 0.1 − 2 × (0.08 + 0.04) = 2.46
    assert.deepEqual(third, { easiness: 2.46, intervalDays: 15.6, repetitions: 3 });
  });

  it("starts over below grade 3 and never lets easiness fall under 1.3", () => {
    const learnt = { easiness: 2.5, intervalDays: 15, repetitions: 3 };
    // g = 2: EF 2.5 + 0.1 − 3 × (0.08 + 0.06) = 2.18
    assert.deepEqual(sm2(learnt, 2), { easiness: 2.18, intervalDays: 1, repetitions: 0 });
    // g = 1: 2.5 + 0.1 − 4 × 0.16 = 1.96; g = 0: 2.5 + 0.1 − 5 × 0.18 = 1.7
    assert.equal(sm2(learnt, 1).easiness, 1.96);
    assert.equal(sm2(learnt, 0).easiness, 1.7);
    assert.equal(sm2({ easiness: 1.4, intervalDays: 1, repetitions: 0 }, 0).easiness, 1.3);
  });

  it("accepts grades 0 to 5 only", () => {
    for (const grade of [0, 1, 2, 3, 4, 5]) assert.doesNotThrow(() => sm2(NEW_CARD, grade));
    for (const grade of [-1, 6, 2.5]) assert.throws(() => sm2(NEW_CARD, grade), RangeError);
  });
});

describe("streaks in the user's time zone", () => {
  it("counts consecutive local days back from today", () => {
    const now = new Date("2026-11-22T06:00:00Z"); // 11:30 in Kolkata, 22 Nov
    const activity = [
      new Date("2026-11-21T19:00:00Z"), // 00:30 on 22 Nov in Kolkata (still 21 Nov in UTC)
      new Date("2026-11-21T04:00:00Z"), // 21 Nov
      new Date("2026-11-19T04:00:00Z"), // 19 Nov: 20 Nov missing breaks it
    ];
    assert.equal(localDay(activity[0], "Asia/Kolkata"), "2026-11-22");
    assert.equal(currentStreakDays(activity, now, "Asia/Kolkata"), 2);
    assert.equal(currentStreakDays(activity, now, "UTC"), 1); // in UTC both fall on the 21st; nothing yet on the 22nd
  });

  it("keeps yesterday's streak alive until today ends, and is 0 after a missed day", () => {
    const now = new Date("2026-11-22T10:00:00Z");
    assert.equal(currentStreakDays([new Date("2026-11-21T10:00:00Z"), new Date("2026-11-20T10:00:00Z")], now, "UTC"), 2);
    assert.equal(currentStreakDays([new Date("2026-11-20T10:00:00Z")], now, "UTC"), 0);
    assert.equal(currentStreakDays([], now, "UTC"), 0);
  });
});
