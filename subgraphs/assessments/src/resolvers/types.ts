import { Access, Connection, MultiLine, NotBlank } from "@solo/kit";
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { Attempt, Course, Difficulty, Flashcard, MockTest } from "../entities";
import { User } from "../entities/references";

@InputType()
export class CreateMockTestInput {
  @Field()
  @NotBlank()
  @Length(3, 200, { message: "title must be 3 to 200 characters" })
  title!: string;

  @Field(() => ID, { nullable: true, description: "A course you author: its students see the test there" })
  @IsOptional()
  courseId?: string;

  @Field(() => Int)
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

@InputType()
export class QuestionInput {
  @Field()
  @NotBlank()
  @Length(1, 5000, { message: "prompt must be 1 to 5000 characters" })
  @MultiLine()
  prompt!: string;

  @Field(() => [String])
  @ArrayMinSize(2, { message: "a question needs 2 to 6 options" })
  @ArrayMaxSize(6, { message: "a question needs 2 to 6 options" })
  @Length(1, 1000, { each: true, message: "each option must be 1 to 1000 characters" })
  @MultiLine()
  options!: string[];

  @Field(() => Int, { description: "0-based index into options" })
  @IsInt()
  @Min(0, { message: "correctOption must be an index into options" })
  correctOption!: number;

  @Field()
  @NotBlank()
  @Length(1, 80, { message: "topic must be 1 to 80 characters" })
  topic!: string;

  @Field(() => Difficulty)
  difficulty!: Difficulty;

  @Field(() => Float)
  @Min(0.25, { message: "marks must be 0.25 to 100" })
  @Max(100, { message: "marks must be 0.25 to 100" })
  marks!: number;
}

@InputType()
export class StartStudySessionInput {
  @Field(() => ID)
  courseId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  lessonId?: string;
}

@InputType()
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
  @Field()
  topic!: string;

  @Field(() => Int)
  correct!: number;

  @Field(() => Int)
  incorrect!: number;

  @Field(() => Int)
  unanswered!: number;

  @Field(() => Float)
  score!: number;
}

@ObjectType({ description: "Predicted rank among the test's candidates, from the last (up to 5) submitted attempts on the course's tests, practice ones included" })
@Access({ withParent: true })
export class RankPrediction {
  @Field(() => Int)
  predictedRank!: number;

  @Field(() => Int, { description: "Best case: the rank at mean percentile + one standard deviation" })
  rankLow!: number;

  @Field(() => Int, { description: "Worst case: the rank at mean percentile − one standard deviation" })
  rankHigh!: number;

  @Field(() => Float)
  percentile!: number;

  @Field(() => Int)
  candidates!: number;

  @Field(() => Int)
  basedOnAttempts!: number;
}

@ObjectType()
@Access({ withParent: true })
export class LeaderboardEntry {
  @Field(() => Int)
  rank!: number;

  @Field(() => Float)
  score!: number;

  @Field()
  submittedAt!: Date;

  @Field(() => User)
  user!: User;
}

@ObjectType()
@Access({ withParent: true })
export class CourseProgress {
  @Field(() => Int)
  completedLessons!: number;

  @Field(() => Int)
  totalLessons!: number;

  @Field(() => Float, { description: "completed ÷ lessons in the course × 100" })
  percent!: number;

  @Field(() => Course)
  course!: Course;
}

@ObjectType()
@Access({ withParent: true })
export class StudyStats {
  @Field(() => Int)
  totalFocusSeconds!: number;

  @Field(() => Int)
  sessionsCount!: number;

  @Field(() => Int, { description: "Consecutive days, in the account's time zone, with a study session or a review" })
  currentStreakDays!: number;

  @Field(() => Int)
  attemptsCount!: number;

  @Field(() => Float, { nullable: true, description: "Mean of score ÷ maxScore × 100 over finished attempts" })
  averageScore!: number | null;
}

@ObjectType()
@Access({ withParent: true })
export class FlashcardReviewResult {
  @Field()
  dueAt!: Date;

  @Field(() => Float)
  intervalDays!: number;

  @Field(() => Float)
  easiness!: number;

  @Field(() => Int)
  repetitions!: number;

  @Field(() => Flashcard)
  card!: Flashcard;
}

@ObjectType()
@Access({ withParent: true })
export class DueFlashcard {
  @Field({ description: "When it fell due (now, for a card never reviewed)" })
  dueAt!: Date;

  @Field(() => Flashcard)
  card!: Flashcard;
}

@ObjectType({ description: "Counts only: open to anyone signed in" })
@Access({ withParent: true })
export class LiveStudyStats {
  @Field(() => Int)
  activeSessions!: number;

  @Field(() => Int)
  learnersToday!: number;

  @Field(() => Int)
  focusSecondsToday!: number;

  @Field(() => Float)
  averageProgress!: number;

  @Field()
  at!: Date;
}

@ObjectType()
@Access({ withParent: true })
export class AttemptConnection extends Connection(Attempt) {}

@ObjectType()
@Access({ withParent: true })
export class MockTestConnection extends Connection(MockTest) {}
