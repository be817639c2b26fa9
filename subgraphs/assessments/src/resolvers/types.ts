import { Access, Connection, MultiLine, NotBlank, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { Attempt, Course, Difficulty, Flashcard, MockTest } from "../entities";
import { User } from "../entities/references";

@InputType({ description: "A new mock test: it starts as a DRAFT you author" })
export class CreateMockTestInput {
  @Field({ description: "3 to 200 characters" })
  @NotBlank()
  @Length(3, 200, { message: "title must be 3 to 200 characters" })
  title!: string;

  @Field(() => ID, { nullable: true, description: "A course you author: its students see the test there" })
  @IsOptional()
  courseId?: string;

  @Field(() => Int, { description: "Time allowed for one attempt, in minutes: 1 to 600" })
  @IsInt()
  @Min(1, { message: "durationMinutes must be 1 to 600" })
  @Max(600, { message: "durationMinutes must be 1 to 600" })
  durationMinutes!: number;

  @Field(() => Float, { description: "Share of a question's marks lost for a wrong answer: 0 to 1" })
  @Min(0, { message: "negativeMarking must be 0 to 1" })
  @Max(1, { message: "negativeMarking must be 0 to 1" })
  negativeMarking!: number;

  @Field(() => Int, { nullable: true, description: "Expected number of exam takers (default 10 000)" })
  @IsOptional()
  @IsInt()
  @Min(1, { message: "candidates must be 1 to 10 000 000" })
  @Max(10_000_000, { message: "candidates must be 1 to 10 000 000" })
  candidates?: number;

  @Field(() => Int, { nullable: true, description: "Attempts one user may start on the test, 1 to 100 (default: unlimited)" })
  @IsOptional()
  @IsInt()
  @Min(1, { message: "maxAttempts must be 1 to 100" })
  @Max(100, { message: "maxAttempts must be 1 to 100" })
  maxAttempts?: number;
}

@InputType({ description: "A new multiple-choice question, appended after the test's last one" })
export class QuestionInput {
  @Field({ description: "The question's text, 1 to 5000 characters" })
  @NotBlank()
  @Length(1, 5000, { message: "prompt must be 1 to 5000 characters" })
  @MultiLine()
  prompt!: string;

  @Field(() => [String], { description: "2 to 6 choices, each 1 to 1000 characters" })
  @ArrayMinSize(2, { message: "a question needs 2 to 6 options" })
  @ArrayMaxSize(6, { message: "a question needs 2 to 6 options" })
  @Length(1, 1000, { each: true, message: "each option must be 1 to 1000 characters" })
  @MultiLine()
  options!: string[];

  @Field(() => Int, { description: "0-based index into options" })
  @IsInt()
  @Min(0, { message: "correctOption must be an index into options" })
  correctOption!: number;

  @Field({ description: "Its subject, 1 to 80 characters (for the breakdown by topic)" })
  @NotBlank()
  @Length(1, 80, { message: "topic must be 1 to 80 characters" })
  topic!: string;

  @Field(() => Difficulty, { description: "How hard it is" })
  difficulty!: Difficulty;

  @Field(() => Float, { description: "Marks for a correct answer: 0.25 to 100" })
  @Min(0.25, { message: "marks must be 0.25 to 100" })
  @Max(100, { message: "marks must be 0.25 to 100" })
  marks!: number;
}

@InputType({ description: "What you start studying" })
export class StartStudySessionInput {
  @Field(() => ID, { description: "A course you may see" })
  courseId!: string;

  @Field(() => ID, { description: "A lesson of that course; omit it to study the course as a whole", nullable: true })
  @IsOptional()
  lessonId?: string;
}

@InputType({ description: "A progress report for a session in progress" })
export class StudyProgressInput {
  @Field(() => Float, { description: "0-100; a lower value than before is ignored" })
  @Min(0, { message: "progressPercent must be 0 to 100" })
  @Max(100, { message: "progressPercent must be 0 to 100" })
  progressPercent!: number;

  @Field(() => Int, { description: "Focus time since the last report; the total may not outgrow the session's age" })
  @IsInt()
  @Min(0, { message: "addFocusSeconds must be 0 or more" })
  @Max(86_400, { message: "addFocusSeconds must be at most a day" })
  addFocusSeconds!: number;
}

@ObjectType({ description: "Score by topic" })
@Access({ withParent: true })
export class TopicBreakdown {
  @Field({ description: "The questions' topic" })
  topic!: string;

  @Field(() => Int, { description: "Questions of the topic answered right" })
  correct!: number;

  @Field(() => Int, { description: "Questions of the topic answered wrong" })
  incorrect!: number;

  @Field(() => Int, { description: "Questions of the topic left unanswered" })
  unanswered!: number;

  @Field(() => Float, { description: "Marks earned on the topic, after negative marking" })
  score!: number;
}

@ObjectType({ description: "Predicted rank among the test's candidates, from the last (up to 5) submitted attempts on the course's tests, practice ones included" })
@Access({ withParent: true })
export class RankPrediction {
  @Field(() => Int, { description: "Likely rank among the candidates (1 is best), at the mean percentile" })
  predictedRank!: number;

  @Field(() => Int, { description: "Best case: the rank at mean percentile + one standard deviation" })
  rankLow!: number;

  @Field(() => Int, { description: "Worst case: the rank at mean percentile − one standard deviation" })
  rankHigh!: number;

  @Field(() => Float, { description: "Mean percentile of the attempts used (0 to 100)" })
  percentile!: number;

  @Field(() => Int, { description: "The test's expected number of exam takers" })
  candidates!: number;

  @Field(() => Int, { description: "How many attempts the prediction uses (1 to 5)" })
  basedOnAttempts!: number;
}

@ObjectType({ description: "One person's place on a test's leaderboard" })
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
export class LeaderboardEntry {
  @Field(() => Int, { description: "Place on the leaderboard; 1 is best" })
  rank!: number;

  @Field(() => Float, { description: "The ranked attempt's score, after negative marking" })
  score!: number;

  @Field({ description: "When the ranked attempt was submitted" })
  submittedAt!: Date;

  @Field(() => User, { description: "Whose ranked attempt it is" })
  user!: User;
}

@ObjectType({ description: "How far the signed-in person is through a course" })
@Access({ withParent: true })
export class CourseProgress {
  @Field(() => Int, { description: "Lessons marked done (completeLesson)" })
  completedLessons!: number;

  @Field(() => Int, { description: "Lessons the course has now" })
  totalLessons!: number;

  @Field(() => Float, { description: "completed ÷ lessons in the course × 100" })
  percent!: number;

  @Field(() => Course, { description: "The course" })
  course!: Course;
}

@ObjectType({ description: "A person's study totals" })
@Access({ withParent: true })
export class StudyStats {
  @Field(() => Int, { description: "Focused study time over every session, in seconds" })
  totalFocusSeconds!: number;

  @Field(() => Int, { description: "Study sessions started, ended or not" })
  sessionsCount!: number;

  @Field(() => Int, { description: "Consecutive days, in the account's time zone, with a study session or a review" })
  currentStreakDays!: number;

  @Field(() => Int, { description: "Mock-test attempts finished (submitted or expired)" })
  attemptsCount!: number;

  @Field(() => Float, { nullable: true, description: "Mean of score ÷ maxScore × 100 over finished attempts" })
  averageScore!: number | null;
}

@ObjectType({ description: "The card's new schedule after a review (SM-2)" })
@Access({ withParent: true })
export class FlashcardReviewResult {
  @Field({ description: "When the card is next due" })
  dueAt!: Date;

  @Field(() => Float, { description: "Days from this review to the next" })
  intervalDays!: number;

  @Field(() => Float, { description: "SM-2 easiness factor (1.3 or more; 2.5 for a new card): higher means longer intervals" })
  easiness!: number;

  @Field(() => Int, { description: "Reviews in a row graded 3 or more; a lower grade starts again at 0" })
  repetitions!: number;

  @Field(() => Flashcard, { description: "The card reviewed" })
  card!: Flashcard;
}

@ObjectType({ description: "A card due for review, and since when" })
@Access({ withParent: true })
export class DueFlashcard {
  @Field({ description: "When it fell due (now, for a card never reviewed)" })
  dueAt!: Date;

  @Field(() => Flashcard, { description: "The card to review (then grade it with reviewFlashcard)" })
  card!: Flashcard;
}

@ObjectType({ description: "Counts only: open to anyone signed in" })
@Access({ withParent: true })
export class LiveStudyStats {
  @Field(() => Int, { description: "Study sessions going on now" })
  activeSessions!: number;

  @Field(() => Int, { description: "People who studied today (UTC)" })
  learnersToday!: number;

  @Field(() => Int, { description: "Focused time reported today (UTC), in seconds" })
  focusSecondsToday!: number;

  @Field(() => Float, { description: "Mean progressPercent of the sessions going on now (0 without any)" })
  averageProgress!: number;

  @Field({ description: "When these counts were taken" })
  at!: Date;
}

@ObjectType({ description: "A page of mock-test attempts, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class AttemptConnection extends Connection(Attempt) {}

@ObjectType({ description: "A page of published mock tests, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class MockTestConnection extends Connection(MockTest) {}
