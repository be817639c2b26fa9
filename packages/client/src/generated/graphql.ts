/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Where an upload stands: PENDING → READY or REJECTED */
export type AssetStatus =
  /** Waiting for the file: PUT it, then call completeUpload */
  | 'PENDING'
  /** Checked: the file matches its declaration and may be attached and downloaded */
  | 'READY'
  /** The stored file did not match the declared type or size; it was deleted */
  | 'REJECTED';

/** EXPIRED: submitted after the deadline, scored on the answers given in time */
export type AttemptStatus =
  /** Submitted after the deadline: scored on the answers given in time */
  | 'EXPIRED'
  /** Started; answers are accepted until the deadline */
  | 'IN_PROGRESS'
  /** Submitted in time and scored */
  | 'SUBMITTED';

/** A new campaign of yours */
export type CampaignInput = {
  /** Where it runs (email, instagram, webinar…), 1 to 50 characters */
  channel: string;
  /** When it ends, after startsAt; omit for open-ended */
  endsAt?: string | null | undefined;
  /** 1 to 200 characters */
  name: string;
  /** When it starts */
  startsAt: string;
};

/** An account on a platform, and the token to act for it */
export type ConnectSocialAccountInput = {
  /** The platform's access token: kept encrypted, never returned */
  accessToken: string;
  /** The account's name on the platform (a leading @ is dropped) */
  handle: string;
  /** Where the account lives */
  platform: SocialPlatform;
  /** When the token stops working, if the platform said */
  tokenExpiresAt?: string | null | undefined;
};

/** Narrows the course catalog; all given fields must match */
export type CourseFilter = {
  /** Only courses by this author */
  authorId?: string | number | null | undefined;
  /** Only courses of this level */
  level?: CourseLevel | null | undefined;
  /** Only courses with this tag (case does not matter) */
  tag?: string | null | undefined;
};

/** Who a course is for */
export type CourseLevel =
  /** For experienced learners */
  | 'ADVANCED'
  /** No prior knowledge needed */
  | 'BEGINNER'
  /** For those who know the basics */
  | 'INTERMEDIATE';

/** Where a course is in its life */
export type CourseStatus =
  /** Withdrawn from the catalog */
  | 'ARCHIVED'
  /** Being written: only its author and admins see it */
  | 'DRAFT'
  /** Visible to everyone, signed in or not */
  | 'PUBLISHED';

/** A new partner API key of the signed-in account */
export type CreateApiKeyInput = {
  /** A label to tell the key apart later (not blank) */
  name: string;
  /** e.g. content:read, leads:write */
  scopes: Array<string>;
  /** Serve this key published operations (trusted documents) only, sent by hash */
  trustedDocumentsOnly?: boolean;
  /** Bind the key to a registry variant (a filtered API, e.g. partner) */
  variant?: string | null | undefined;
};

/** A new course: it starts as a DRAFT you author */
export type CreateCourseInput = {
  /** A READY COURSE_COVER upload of yours */
  coverAssetId?: string | number | null | undefined;
  /** What the course teaches, 1 to 5000 characters */
  description: string;
  /** Who the course is for */
  level: CourseLevel;
  /** Up to 20 topics, each 1 to 40 characters; stored lower-case, duplicates dropped */
  tags?: Array<string> | null | undefined;
  /** 3 to 120 characters; the slug is made from it */
  title: string;
};

/** A new mock test: it starts as a DRAFT you author */
export type CreateMockTestInput = {
  /** Expected number of exam takers (default 10 000) */
  candidates?: number | null | undefined;
  /** A course you author: its students see the test there */
  courseId?: string | number | null | undefined;
  /** Time allowed for one attempt, in minutes: 1 to 600 */
  durationMinutes: number;
  /** Attempts one user may start on the test, 1 to 100 (default: unlimited) */
  maxAttempts?: number | null | undefined;
  /** Share of a question's marks lost for a wrong answer: 0 to 1 */
  negativeMarking: number;
  /** 3 to 200 characters */
  title: string;
};

/** What you are about to upload; the stored file must match it */
export type CreateUploadUrlInput = {
  /** The file's MIME type, one the purpose allows (see UploadPurpose) */
  contentType: string;
  /** Shown to people; never part of the storage key */
  filename: string;
  /** What the file is for: decides the allowed types, the size cap and who may upload */
  purpose: UploadPurpose;
  /** The file's exact size in bytes, at most the purpose's cap */
  sizeBytes: number;
};

/** How hard a question is, as its author judges it (marks are set separately) */
export type Difficulty =
  /** Most candidates should answer it right */
  | 'EASY'
  /** Only well-prepared candidates should answer it right */
  | 'HARD'
  /** About half of candidates should answer it right */
  | 'MEDIUM';

/** The format of an export file */
export type ExportFormat =
  /** Comma-separated values with a header row (UTF-8) */
  | 'CSV'
  /** A JSON array with one object per lead (its signals as a name → value object) */
  | 'JSON';

/** PENDING → RUNNING → READY or FAILED */
export type ExportStatus =
  /** Stopped: error says why */
  | 'FAILED'
  /** Queued: not started yet */
  | 'PENDING'
  /** Done: downloadUrl gives the file */
  | 'READY'
  /** Writing rows */
  | 'RUNNING';

/** A new deck of your own */
export type FlashcardDeckInput = {
  /** A course you author; the deck is then public once the course is */
  courseId?: string | number | null | undefined;
  /** What the deck covers, up to 2000 characters */
  description?: string | null | undefined;
  /** 1 to 120 characters */
  title: string;
};

/** A new card, appended after the deck's last one */
export type FlashcardInput = {
  /** The answer, 1 to 2000 characters */
  back: string;
  /** The prompt, 1 to 2000 characters */
  front: string;
  /** A READY FLASHCARD_MEDIA upload of yours */
  mediaAssetId?: string | number | null | undefined;
};

/** Narrows leads; all given fields must match */
export type LeadFilter = {
  /** Only leads of this campaign */
  campaignId?: string | number | null | undefined;
  /** Only leads scoring at least this: 0 to 100 */
  minScore?: number | null | undefined;
  /** Words of the name, company, title, location or email (web-search syntax) */
  search?: string | null | undefined;
  /** Only leads in this stage */
  status?: LeadStatus | null | undefined;
};

/** A new lead of yours */
export type LeadInput = {
  /** A campaign of yours the lead came through */
  campaignId?: string | number | null | undefined;
  /** Employer, up to 200 characters */
  company?: string | null | undefined;
  /** An email address (at most 254 characters), unique among your leads */
  email?: string | null | undefined;
  /** LinkedIn profile URL (an https URL) */
  linkedinUrl?: string | null | undefined;
  /** Where the person is, up to 200 characters */
  location?: string | null | undefined;
  /** 1 to 200 characters */
  name: string;
  /** Up to 100 signals for the score, each 0 to 1 */
  signals?: Array<SignalInput> | null | undefined;
  /** Where the lead came from, up to 100 characters */
  source?: string | null | undefined;
  /** Job title, up to 200 characters */
  title?: string | null | undefined;
};

/** How to order leads */
export type LeadOrder = {
  /** Ascending or descending */
  direction: OrderDirection;
  /** What to order by (ties by id) */
  field: LeadOrderField;
};

/** What leads can be ordered by */
export type LeadOrderField =
  /** When the lead was added */
  | 'CREATED_AT'
  /** The lead's name */
  | 'NAME'
  /** The lead's score */
  | 'SCORE';

/** A lead's stage in the pipeline */
export type LeadStatus =
  /** Reached out to */
  | 'CONTACTED'
  /** Signed up (set by recordSignup or by hand) */
  | 'CONVERTED'
  /** Not going anywhere */
  | 'LOST'
  /** Not contacted yet */
  | 'NEW'
  /** A real prospect */
  | 'QUALIFIED';

/** A new lesson, appended after the course's last one */
export type LessonInput = {
  /** The lesson's text, 1 to 100 000 characters */
  body: string;
  /** Expected time to take it, in minutes: 1 to 600 */
  durationMinutes: number;
  /** READY LESSON_MEDIA uploads of yours, in display order */
  mediaAssetIds?: Array<string | number> | null | undefined;
  /** 1 to 200 characters */
  title: string;
};

/** What sort of reading material */
export type MaterialKind =
  /** An article on a topic */
  | 'ARTICLE'
  /** A general-knowledge digest (current affairs) */
  | 'GK_DIGEST'
  /** A template to fill in or copy */
  | 'TEMPLATE'
  /** A training note */
  | 'TRAINING';

/** Sort order */
export type OrderDirection =
  /** Smallest (or earliest, or A) first */
  | 'ASC'
  /** Largest (or latest, or Z) first */
  | 'DESC';

/** Subscription plan */
export type Plan =
  /** Free of charge: every new account starts on it */
  | 'FREE'
  /** Paid, for one person */
  | 'PRO'
  /** Paid, for an organisation's accounts */
  | 'TEAM';

/** A published post's latest numbers, as the platform reports them */
export type PostMetricsInput = {
  /** Its caption */
  caption?: string | null | undefined;
  /** Comments so far (0 or more) */
  comments: number;
  /** The platform's id for the post: re-sending it updates that post */
  externalId: string;
  /** Times it was shown (0 or more) */
  impressions: number;
  /** Likes so far (0 or more) */
  likes: number;
  /** Its URL on the platform */
  permalink?: string | null | undefined;
  /** When it was published */
  publishedAt: string;
  /** Accounts that saw it (0 or more) */
  reach: number;
  /** Saves so far (0 or more) */
  saves: number;
  /** Shares so far (0 or more) */
  shares: number;
};

/** A new multiple-choice question, appended after the test's last one */
export type QuestionInput = {
  /** 0-based index into options */
  correctOption: number;
  /** How hard it is */
  difficulty: Difficulty;
  /** Marks for a correct answer: 0.25 to 100 */
  marks: number;
  /** 2 to 6 choices, each 1 to 1000 characters */
  options: Array<string>;
  /** The question's text, 1 to 5000 characters */
  prompt: string;
  /** Its subject, 1 to 80 characters (for the breakdown by topic) */
  topic: string;
};

/** A new reading material; it is published at once */
export type ReadingMaterialInput = {
  /** A READY MATERIAL upload of yours */
  attachmentAssetId?: string | number | null | undefined;
  /** The text, 1 to 100 000 characters */
  body: string;
  /** What sort of material it is */
  kind: MaterialKind;
  /** 3 to 200 characters */
  title: string;
  /** Its subject, 1 to 80 characters */
  topic: string;
};

/** A new account (it starts as STUDENT on the FREE plan) */
export type RegisterInput = {
  /** The name shown to others, 1 to 80 characters */
  displayName: string;
  /** The address to sign in with; a mail asks to confirm it (at most 254 characters) */
  email: string;
  /** 10 to 256 characters; stored only as a hash */
  password: string;
  /** IANA time zone, e.g. Asia/Kolkata (default UTC) */
  timezone?: string | null | undefined;
};

/** What an account may do */
export type Role =
  /** May do and see everything, and change other accounts' roles */
  | 'ADMIN'
  /** Also writes courses, lessons, reading materials and mock tests */
  | 'INSTRUCTOR'
  /** Also runs campaigns, leads and connected social accounts */
  | 'MARKETER'
  /** Learns: takes courses and tests, studies, reviews flashcards (every new account) */
  | 'STUDENT';

/** A post to publish later */
export type SchedulePostInput = {
  /** An ACTIVE account of yours (any, for admins) */
  accountId: string | number;
  /** Up to 2,200 characters with the hashtags added */
  caption: string;
  /** Added to the caption when published; at most 30 with the caption's own */
  hashtags?: Array<string> | null | undefined;
  /** A READY SOCIAL_MEDIA upload of yours (Instagram needs one) */
  mediaAssetId?: string | number | null | undefined;
  /** A course the post promotes */
  promotesCourseId?: string | number | null | undefined;
  /** At least a minute ahead */
  scheduledFor: string;
};

/** SCHEDULED → PUBLISHING → PUBLISHED or FAILED; CANCELLED before publishing starts */
export type ScheduledPostStatus =
  /** Cancelled before publishing started */
  | 'CANCELLED'
  /** Gave up: lastError says why */
  | 'FAILED'
  /** On the platform */
  | 'PUBLISHED'
  /** Being sent to the platform (retried on failure) */
  | 'PUBLISHING'
  /** Waiting for its time; may be cancelled */
  | 'SCHEDULED';

/** How much one signal counts */
export type ScoringWeightInput = {
  /** The signal's name (as the leads' signals spell it) */
  signal: string;
  /** 0 or more; the weights must not sum to 0 */
  weight: number;
};

/** A signal of a lead, for its score */
export type SignalInput = {
  /** lower-case letters, digits and _, starting with a letter */
  name: string;
  /** 0 to 1 */
  value: number;
};

/** A signup through a campaign */
export type SignupInput = {
  /** A campaign of yours (any, for admins) */
  campaignId: string | number;
  /** The address that signed up (at most 254 characters) */
  email: string;
  /** The name given, up to 200 characters */
  name?: string | null | undefined;
};

/** Whether a connected account works */
export type SocialAccountStatus =
  /** Connected, with a working token */
  | 'ACTIVE'
  /** Disconnected by its owner: its token is erased */
  | 'DISCONNECTED'
  /** The token expired (or the platform refused it): connect the account again with a new one */
  | 'TOKEN_EXPIRED';

/** Where a connected account lives */
export type SocialPlatform =
  /** Instagram (a business or creator account) */
  | 'INSTAGRAM';

/** What you start studying */
export type StartStudySessionInput = {
  /** A course you may see */
  courseId: string | number;
  /** A lesson of that course; omit it to study the course as a whole */
  lessonId?: string | number | null | undefined;
};

/** A progress report for a session in progress */
export type StudyProgressInput = {
  /** Focus time since the last report; the total may not outgrow the session's age */
  addFocusSeconds: number;
  /** 0-100; a lower value than before is ignored */
  progressPercent: number;
};

/** Whether a study session is going on */
export type StudySessionStatus =
  /** Going on: progress may be reported */
  | 'ACTIVE'
  /** Over: ended, replaced by a newer session, or idle too long */
  | 'ENDED';

/** Whether a mock test is open */
export type TestStatus =
  /** Being written: only its author and admins see it; questions may be added */
  | 'DRAFT'
  /** Open to everyone: attempts may start */
  | 'PUBLISHED';

/** Changes to the signed-in account's profile; omitted fields stay as they are */
export type UpdateProfileInput = {
  /** A READY AVATAR upload of yours; null removes the picture */
  avatarAssetId?: string | number | null | undefined;
  /** The name shown to others, 1 to 80 characters */
  displayName?: string | null | undefined;
  /** IANA time zone, e.g. Europe/London: study streaks count days in it */
  timezone?: string | null | undefined;
};

/** What an upload is for: decides allowed types and size */
export type UploadPurpose =
  /** A profile picture: PNG, JPEG or WebP, up to 5 MB; public once READY */
  | 'AVATAR'
  /** A course's cover picture (instructors and admins): PNG, JPEG or WebP, up to 10 MB; public once READY */
  | 'COURSE_COVER'
  /** A flashcard's picture or sound: PNG, JPEG, WebP or MP3, up to 5 MB */
  | 'FLASHCARD_MEDIA'
  /** A CSV of leads for importLeads (marketers and admins): text/csv, up to 50 MB */
  | 'LEAD_IMPORT'
  /** A lesson's video, audio or PDF (instructors and admins): MP4, MP3 or PDF, up to 2 GB */
  | 'LESSON_MEDIA'
  /** A reading material's attachment (instructors and admins): PDF, PNG, JPEG or WebP, up to 50 MB */
  | 'MATERIAL'
  /** A scheduled post's image or video (marketers and admins): JPEG, PNG or MP4, up to 100 MB */
  | 'SOCIAL_MEDIA';

export type CreateMockTestMutationVariables = Exact<{
  input: CreateMockTestInput;
}>;


export type CreateMockTestMutation = { createMockTest: { id: string, title: string, durationMinutes: number, negativeMarking: number, status: TestStatus, course: { id: string, title: string } | null } };

export type AddQuestionMutationVariables = Exact<{
  testId: string | number;
  input: QuestionInput;
}>;


export type AddQuestionMutation = { addQuestion: { id: string, position: number, topic: string, difficulty: Difficulty, marks: number } };

export type PublishMockTestMutationVariables = Exact<{
  id: string | number;
}>;


export type PublishMockTestMutation = { publishMockTest: { id: string, status: TestStatus, questionCount: number, totalMarks: number } };

export type MockTestsQueryVariables = Exact<{
  courseId?: string | number | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type MockTestsQuery = { mockTests: { totalCount: number, edges: Array<{ node: { id: string, title: string, questionCount: number, totalMarks: number, durationMinutes: number, course: { title: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type StartAttemptMutationVariables = Exact<{
  testId: string | number;
}>;


export type StartAttemptMutation = { startAttempt: { id: string, status: AttemptStatus, startedAt: string, deadline: string, test: { id: string, title: string, questions: Array<{ id: string, position: number, prompt: string, options: Array<string>, topic: string, marks: number }> } } };

export type AnswerQuestionMutationVariables = Exact<{
  attemptId: string | number;
  questionId: string | number;
  choice?: number | null | undefined;
}>;


export type AnswerQuestionMutation = { answerQuestion: { id: string, answeredCount: number } };

export type SubmitAttemptMutationVariables = Exact<{
  attemptId: string | number;
}>;


export type SubmitAttemptMutation = { submitAttempt: { id: string, status: AttemptStatus, submittedAt: string | null, score: number | null, maxScore: number | null, correctCount: number | null, incorrectCount: number | null, unansweredCount: number | null, percentile: number | null, breakdown: Array<{ topic: string, correct: number, incorrect: number, unanswered: number, score: number }> | null } };

export type AttemptQueryVariables = Exact<{
  id: string | number;
}>;


export type AttemptQuery = { attempt: { id: string, status: AttemptStatus, score: number | null, user: { id: string, displayName: string }, test: { title: string } } | null };

export type MyAttemptsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type MyAttemptsQuery = { me: { id: string, attempts: { totalCount: number, edges: Array<{ node: { id: string, score: number | null, maxScore: number | null, percentile: number | null, submittedAt: string | null, test: { id: string, title: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export type RankPredictionQueryVariables = Exact<{
  testId: string | number;
}>;


export type RankPredictionQuery = { rankPrediction: { predictedRank: number, rankLow: number, rankHigh: number, percentile: number, candidates: number, basedOnAttempts: number } | null };

export type LeaderboardQueryVariables = Exact<{
  testId: string | number;
  first?: number | null | undefined;
}>;


export type LeaderboardQuery = { leaderboard: Array<{ rank: number, score: number, user: { id: string, displayName: string } }> };

export type StartStudySessionMutationVariables = Exact<{
  input: StartStudySessionInput;
}>;


export type StartStudySessionMutation = { startStudySession: { id: string, status: StudySessionStatus, startedAt: string, course: { id: string, title: string }, lesson: { id: string, title: string } | null } };

export type RecordStudyProgressMutationVariables = Exact<{
  sessionId: string | number;
  input: StudyProgressInput;
}>;


export type RecordStudyProgressMutation = { recordStudyProgress: { id: string, progressPercent: number, focusSeconds: number } };

export type EndStudySessionMutationVariables = Exact<{
  sessionId: string | number;
}>;


export type EndStudySessionMutation = { endStudySession: { id: string, status: StudySessionStatus, endedAt: string | null, focusSeconds: number } };

export type CompleteLessonMutationVariables = Exact<{
  lessonId: string | number;
}>;


export type CompleteLessonMutation = { completeLesson: { completedLessons: number, totalLessons: number, percent: number, course: { id: string, title: string } } };

export type CourseProgressQueryVariables = Exact<{
  slug: string;
}>;


export type CourseProgressQuery = { course: { id: string, title: string, lessonCount: number, myProgress: { completedLessons: number, totalLessons: number, percent: number } | null } | null };

export type StudyStatsQueryVariables = Exact<{ [key: string]: never; }>;


export type StudyStatsQuery = { me: { id: string, studyStats: { totalFocusSeconds: number, sessionsCount: number, currentStreakDays: number, attemptsCount: number, averageScore: number | null } | null } | null };

export type ReviewFlashcardMutationVariables = Exact<{
  cardId: string | number;
  grade: number;
}>;


export type ReviewFlashcardMutation = { reviewFlashcard: { dueAt: string, intervalDays: number, easiness: number, repetitions: number, card: { id: string, front: string } } };

export type DueFlashcardsQueryVariables = Exact<{
  deckId: string | number;
  first?: number | null | undefined;
}>;


export type DueFlashcardsQuery = { dueFlashcards: Array<{ dueAt: string, card: { id: string, front: string, back: string } }> };

export type StudySessionUpdatedSubscriptionVariables = Exact<{
  sessionId: string | number;
}>;


export type StudySessionUpdatedSubscription = { studySessionUpdated: { id: string, status: StudySessionStatus, progressPercent: number, focusSeconds: number, user: { id: string, displayName: string }, lesson: { id: string, title: string } | null } };

export type LiveStudyStatsSubscriptionVariables = Exact<{
  courseId?: string | number | null | undefined;
}>;


export type LiveStudyStatsSubscription = { liveStudyStats: { activeSessions: number, learnersToday: number, focusSecondsToday: number, averageProgress: number, at: string } };

export type LeaderboardUpdatedSubscriptionVariables = Exact<{
  testId: string | number;
}>;


export type LeaderboardUpdatedSubscription = { leaderboardUpdated: Array<{ rank: number, score: number, user: { displayName: string } }> };

export type CreateCourseMutationVariables = Exact<{
  input: CreateCourseInput;
}>;


export type CreateCourseMutation = { createCourse: { id: string, slug: string, title: string, level: CourseLevel, status: CourseStatus, tags: Array<string>, author: { id: string, displayName: string } } };

export type AddLessonMutationVariables = Exact<{
  courseId: string | number;
  input: LessonInput;
}>;


export type AddLessonMutation = { addLesson: { id: string, position: number, title: string, durationMinutes: number, course: { id: string, lessonCount: number } } };

export type PublishCourseMutationVariables = Exact<{
  id: string | number;
}>;


export type PublishCourseMutation = { publishCourse: { id: string, status: CourseStatus, publishedAt: string | null } };

export type CourseBySlugQueryVariables = Exact<{
  slug: string;
}>;


export type CourseBySlugQuery = { course: { id: string, title: string, description: string, level: CourseLevel, status: CourseStatus, tags: Array<string>, cover: { url: string | null } | null, author: { id: string, displayName: string, avatar: { url: string | null } | null }, lessons: Array<{ id: string, position: number, title: string, durationMinutes: number, media: Array<{ id: string, url: string | null, contentType: string }> }> } | null };

export type CourseCatalogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: CourseFilter | null | undefined;
}>;


export type CourseCatalogQuery = { courses: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, slug: string, title: string, level: CourseLevel, tags: Array<string>, lessonCount: number, author: { id: string, displayName: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SearchContentQueryVariables = Exact<{
  query: string;
  first?: number | null | undefined;
}>;


export type SearchContentQuery = { searchContent: Array<
    | { __typename: 'Course', id: string, title: string, slug: string }
    | { __typename: 'Lesson', id: string, title: string, course: { id: string, title: string } }
    | { __typename: 'ReadingMaterial', id: string, title: string, kind: MaterialKind }
  > };

export type CreateReadingMaterialMutationVariables = Exact<{
  input: ReadingMaterialInput;
}>;


export type CreateReadingMaterialMutation = { createReadingMaterial: { id: string, title: string, kind: MaterialKind, topic: string, attachment: { id: string, url: string | null, contentType: string } | null } };

export type ReadingMaterialsQueryVariables = Exact<{
  kind?: MaterialKind | null | undefined;
  topic?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ReadingMaterialsQuery = { readingMaterials: { totalCount: number, edges: Array<{ node: { id: string, title: string, kind: MaterialKind, topic: string, publishedAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CreateFlashcardDeckMutationVariables = Exact<{
  input: FlashcardDeckInput;
}>;


export type CreateFlashcardDeckMutation = { createFlashcardDeck: { id: string, title: string, owner: { id: string } } };

export type AddFlashcardMutationVariables = Exact<{
  deckId: string | number;
  input: FlashcardInput;
}>;


export type AddFlashcardMutation = { addFlashcard: { id: string, front: string, back: string, media: { url: string | null } | null } };

export type FlashcardDeckQueryVariables = Exact<{
  id: string | number;
}>;


export type FlashcardDeckQuery = { flashcardDeck: { id: string, title: string, cardCount: number, owner: { displayName: string }, cards: Array<{ id: string, front: string, back: string }> } | null };

export type CreateUploadUrlMutationVariables = Exact<{
  input: CreateUploadUrlInput;
}>;


export type CreateUploadUrlMutation = { createUploadUrl: { uploadUrl: string, method: string, expiresAt: string, headers: Array<{ name: string, value: string }>, asset: { id: string, key: string, status: AssetStatus, purpose: UploadPurpose, contentType: string, sizeBytes: number } } };

export type CompleteUploadMutationVariables = Exact<{
  assetId: string | number;
}>;


export type CompleteUploadMutation = { completeUpload: { id: string, status: AssetStatus, url: string | null, contentType: string, sizeBytes: number } };

export type MediaAssetQueryVariables = Exact<{
  id: string | number;
}>;


export type MediaAssetQuery = { mediaAsset: { id: string, status: AssetStatus, url: string | null, filename: string, contentType: string, sizeBytes: number, createdAt: string, owner: { id: string, displayName: string } } | null };

export type MyCoursesQueryVariables = Exact<{ [key: string]: never; }>;


export type MyCoursesQuery = { me: { authoredCourses: Array<{ id: string, title: string, status: CourseStatus, lessonCount: number }> } | null };

export type CreateLeadMutationVariables = Exact<{
  input: LeadInput;
}>;


export type CreateLeadMutation = { createLead: { id: string, name: string, company: string | null, email: string | null, score: number, status: LeadStatus, owner: { id: string } } };

export type ImportLeadsMutationVariables = Exact<{
  assetId: string | number;
}>;


export type ImportLeadsMutation = { importLeads: { imported: number, updated: number, skipped: number, errors: Array<{ row: number, message: string }> } };

export type LeadsQueryVariables = Exact<{
  filter?: LeadFilter | null | undefined;
  orderBy?: LeadOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type LeadsQuery = { leads: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, name: string, title: string | null, company: string | null, location: string | null, email: string | null, score: number, rank: number, status: LeadStatus, source: string | null, owner: { displayName: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type LeadQueryVariables = Exact<{
  id: string | number;
}>;


export type LeadQuery = { lead: { id: string, name: string, score: number, status: LeadStatus, signals: Array<{ name: string, value: number }>, scoreHistory: Array<{ score: number, at: string }>, convertedUser: { id: string, displayName: string } | null } | null };

export type UpdateLeadStatusMutationVariables = Exact<{
  id: string | number;
  status: LeadStatus;
}>;


export type UpdateLeadStatusMutation = { updateLeadStatus: { id: string, status: LeadStatus, updatedAt: string } };

export type SetScoringWeightsMutationVariables = Exact<{
  weights: Array<ScoringWeightInput> | ScoringWeightInput;
}>;


export type SetScoringWeightsMutation = { setScoringWeights: Array<{ signal: string, weight: number }> };

export type RescoreLeadsMutationVariables = Exact<{ [key: string]: never; }>;


export type RescoreLeadsMutation = { rescoreLeads: { scored: number } };

export type ExportLeadsMutationVariables = Exact<{
  filter?: LeadFilter | null | undefined;
  format: ExportFormat;
}>;


export type ExportLeadsMutation = { exportLeads: { id: string, status: ExportStatus, format: ExportFormat } };

export type LeadExportQueryVariables = Exact<{
  id: string | number;
}>;


export type LeadExportQuery = { leadExport: { id: string, status: ExportStatus, format: ExportFormat, recordCount: number, downloadUrl: string | null, createdAt: string } | null };

export type CreateCampaignMutationVariables = Exact<{
  input: CampaignInput;
}>;


export type CreateCampaignMutation = { createCampaign: { id: string, name: string, channel: string, startsAt: string } };

export type RecordSignupMutationVariables = Exact<{
  input: SignupInput;
}>;


export type RecordSignupMutation = { recordSignup: { id: string, email: string, lead: { id: string, status: LeadStatus } | null } };

export type CampaignFunnelQueryVariables = Exact<{
  id: string | number;
}>;


export type CampaignFunnelQuery = { campaign: { id: string, name: string, funnel: { leads: number, contacted: number, qualified: number, converted: number, signups: number, conversionRate: number } } | null };

export type LeadPipelineUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type LeadPipelineUpdatedSubscription = { leadPipelineUpdated: { leadId: string, status: LeadStatus, score: number, at: string, lead: { name: string, company: string | null } } };

export type ConnectSocialAccountMutationVariables = Exact<{
  input: ConnectSocialAccountInput;
}>;


export type ConnectSocialAccountMutation = { connectSocialAccount: { id: string, platform: SocialPlatform, handle: string, status: SocialAccountStatus, tokenExpiresAt: string | null, owner: { id: string } } };

export type DisconnectSocialAccountMutationVariables = Exact<{
  id: string | number;
}>;


export type DisconnectSocialAccountMutation = { disconnectSocialAccount: { id: string, status: SocialAccountStatus } };

export type SocialAccountsQueryVariables = Exact<{ [key: string]: never; }>;


export type SocialAccountsQuery = { socialAccounts: Array<{ id: string, platform: SocialPlatform, handle: string, followersCount: number, postsCount: number, status: SocialAccountStatus, lastSyncedAt: string | null }> };

export type RecordPostMetricsMutationVariables = Exact<{
  accountId: string | number;
  posts: Array<PostMetricsInput> | PostMetricsInput;
}>;


export type RecordPostMetricsMutation = { recordPostMetrics: Array<{ id: string, externalId: string, likes: number, comments: number, saves: number, shares: number, reach: number, impressions: number, engagementRate: number }> };

export type SchedulePostMutationVariables = Exact<{
  input: SchedulePostInput;
}>;


export type SchedulePostMutation = { schedulePost: { id: string, status: ScheduledPostStatus, scheduledFor: string, caption: string, hashtags: Array<string>, media: { id: string, url: string | null } | null, promotes: { id: string, title: string } | null } };

export type CancelScheduledPostMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelScheduledPostMutation = { cancelScheduledPost: { id: string, status: ScheduledPostStatus } };

export type ScheduledPostsQueryVariables = Exact<{
  accountId: string | number;
  status?: ScheduledPostStatus | null | undefined;
}>;


export type ScheduledPostsQuery = { scheduledPosts: Array<{ id: string, status: ScheduledPostStatus, scheduledFor: string, publishedAt: string | null, attempts: number, lastError: string | null }> };

export type AccountAnalyticsQueryVariables = Exact<{
  accountId: string | number;
  days?: number | null | undefined;
}>;


export type AccountAnalyticsQuery = { accountAnalytics: { followers: number, engagementRate: number, totalReach: number, bestPostingHour: number | null, daily: Array<{ date: string, posts: number, reach: number, engagementRate: number }>, topPosts: Array<{ id: string, caption: string | null, engagementRate: number, permalink: string | null }> } };

export type EngagementUpdatedSubscriptionVariables = Exact<{
  accountId: string | number;
}>;


export type EngagementUpdatedSubscription = { engagementUpdated: { accountId: string, engagementRate: number, totalReach: number, at: string } };

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register: { accessToken: string, refreshToken: string, expiresAt: string, user: { id: string, email: string | null, displayName: string, role: Role } } };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login: { accessToken: string, refreshToken: string, expiresAt: string, user: { id: string, displayName: string, role: Role } } };

export type RefreshSessionMutationVariables = Exact<{
  refreshToken: string;
}>;


export type RefreshSessionMutation = { refreshSession: { accessToken: string, refreshToken: string, expiresAt: string } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string | null, displayName: string, role: Role, plan: Plan | null, timezone: string | null, createdAt: string, avatar: { id: string, url: string | null } | null } | null };

export type UpdateProfileMutationVariables = Exact<{
  input: UpdateProfileInput;
}>;


export type UpdateProfileMutation = { updateProfile: { id: string, displayName: string, timezone: string | null, avatar: { id: string, url: string | null, contentType: string } | null } };

export type UserDirectoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  role?: Role | null | undefined;
}>;


export type UserDirectoryQuery = { users: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, displayName: string, role: Role, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SetUserRoleMutationVariables = Exact<{
  userId: string | number;
  role: Role;
}>;


export type SetUserRoleMutation = { setUserRole: { id: string, role: Role } };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, name: string, scopes: Array<string>, createdAt: string, lastUsedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, revokedAt: string | null } };

export type MyApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type MyApiKeysQuery = { me: { apiKeys: Array<{ id: string, name: string, scopes: Array<string>, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> | null } | null };

export type AuditLogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { edges: Array<{ node: { id: string, action: string, resourceType: string, resourceId: string, createdAt: string, actor: { id: string, displayName: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const CreateMockTestDocument = new TypedDocumentString(`
    mutation CreateMockTest($input: CreateMockTestInput!) {
  createMockTest(input: $input) {
    id
    title
    durationMinutes
    negativeMarking
    status
    course {
      id
      title
    }
  }
}
    `) as unknown as TypedDocumentString<CreateMockTestMutation, CreateMockTestMutationVariables>;
export const AddQuestionDocument = new TypedDocumentString(`
    mutation AddQuestion($testId: ID!, $input: QuestionInput!) {
  addQuestion(testId: $testId, input: $input) {
    id
    position
    topic
    difficulty
    marks
  }
}
    `) as unknown as TypedDocumentString<AddQuestionMutation, AddQuestionMutationVariables>;
export const PublishMockTestDocument = new TypedDocumentString(`
    mutation PublishMockTest($id: ID!) {
  publishMockTest(id: $id) {
    id
    status
    questionCount
    totalMarks
  }
}
    `) as unknown as TypedDocumentString<PublishMockTestMutation, PublishMockTestMutationVariables>;
export const MockTestsDocument = new TypedDocumentString(`
    query MockTests($courseId: ID, $first: Int, $after: String) {
  mockTests(courseId: $courseId, first: $first, after: $after) {
    totalCount
    edges {
      node {
        id
        title
        questionCount
        totalMarks
        durationMinutes
        course {
          title
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<MockTestsQuery, MockTestsQueryVariables>;
export const StartAttemptDocument = new TypedDocumentString(`
    mutation StartAttempt($testId: ID!) {
  startAttempt(testId: $testId) {
    id
    status
    startedAt
    deadline
    test {
      id
      title
      questions {
        id
        position
        prompt
        options
        topic
        marks
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StartAttemptMutation, StartAttemptMutationVariables>;
export const AnswerQuestionDocument = new TypedDocumentString(`
    mutation AnswerQuestion($attemptId: ID!, $questionId: ID!, $choice: Int) {
  answerQuestion(attemptId: $attemptId, questionId: $questionId, choice: $choice) {
    id
    answeredCount
  }
}
    `) as unknown as TypedDocumentString<AnswerQuestionMutation, AnswerQuestionMutationVariables>;
export const SubmitAttemptDocument = new TypedDocumentString(`
    mutation SubmitAttempt($attemptId: ID!) {
  submitAttempt(attemptId: $attemptId) {
    id
    status
    submittedAt
    score
    maxScore
    correctCount
    incorrectCount
    unansweredCount
    percentile
    breakdown {
      topic
      correct
      incorrect
      unanswered
      score
    }
  }
}
    `) as unknown as TypedDocumentString<SubmitAttemptMutation, SubmitAttemptMutationVariables>;
export const AttemptDocument = new TypedDocumentString(`
    query Attempt($id: ID!) {
  attempt(id: $id) {
    id
    status
    score
    user {
      id
      displayName
    }
    test {
      title
    }
  }
}
    `) as unknown as TypedDocumentString<AttemptQuery, AttemptQueryVariables>;
export const MyAttemptsDocument = new TypedDocumentString(`
    query MyAttempts($first: Int, $after: String) {
  me {
    id
    attempts(first: $first, after: $after) {
      totalCount
      edges {
        node {
          id
          score
          maxScore
          percentile
          submittedAt
          test {
            id
            title
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MyAttemptsQuery, MyAttemptsQueryVariables>;
export const RankPredictionDocument = new TypedDocumentString(`
    query RankPrediction($testId: ID!) {
  rankPrediction(testId: $testId) {
    predictedRank
    rankLow
    rankHigh
    percentile
    candidates
    basedOnAttempts
  }
}
    `) as unknown as TypedDocumentString<RankPredictionQuery, RankPredictionQueryVariables>;
export const LeaderboardDocument = new TypedDocumentString(`
    query Leaderboard($testId: ID!, $first: Int) {
  leaderboard(testId: $testId, first: $first) {
    rank
    score
    user {
      id
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<LeaderboardQuery, LeaderboardQueryVariables>;
export const StartStudySessionDocument = new TypedDocumentString(`
    mutation StartStudySession($input: StartStudySessionInput!) {
  startStudySession(input: $input) {
    id
    status
    startedAt
    course {
      id
      title
    }
    lesson {
      id
      title
    }
  }
}
    `) as unknown as TypedDocumentString<StartStudySessionMutation, StartStudySessionMutationVariables>;
export const RecordStudyProgressDocument = new TypedDocumentString(`
    mutation RecordStudyProgress($sessionId: ID!, $input: StudyProgressInput!) {
  recordStudyProgress(sessionId: $sessionId, input: $input) {
    id
    progressPercent
    focusSeconds
  }
}
    `) as unknown as TypedDocumentString<RecordStudyProgressMutation, RecordStudyProgressMutationVariables>;
export const EndStudySessionDocument = new TypedDocumentString(`
    mutation EndStudySession($sessionId: ID!) {
  endStudySession(sessionId: $sessionId) {
    id
    status
    endedAt
    focusSeconds
  }
}
    `) as unknown as TypedDocumentString<EndStudySessionMutation, EndStudySessionMutationVariables>;
export const CompleteLessonDocument = new TypedDocumentString(`
    mutation CompleteLesson($lessonId: ID!) {
  completeLesson(lessonId: $lessonId) {
    completedLessons
    totalLessons
    percent
    course {
      id
      title
    }
  }
}
    `) as unknown as TypedDocumentString<CompleteLessonMutation, CompleteLessonMutationVariables>;
export const CourseProgressDocument = new TypedDocumentString(`
    query CourseProgress($slug: String!) {
  course(slug: $slug) {
    id
    title
    lessonCount
    myProgress {
      completedLessons
      totalLessons
      percent
    }
  }
}
    `) as unknown as TypedDocumentString<CourseProgressQuery, CourseProgressQueryVariables>;
export const StudyStatsDocument = new TypedDocumentString(`
    query StudyStats {
  me {
    id
    studyStats {
      totalFocusSeconds
      sessionsCount
      currentStreakDays
      attemptsCount
      averageScore
    }
  }
}
    `) as unknown as TypedDocumentString<StudyStatsQuery, StudyStatsQueryVariables>;
export const ReviewFlashcardDocument = new TypedDocumentString(`
    mutation ReviewFlashcard($cardId: ID!, $grade: Int!) {
  reviewFlashcard(cardId: $cardId, grade: $grade) {
    dueAt
    intervalDays
    easiness
    repetitions
    card {
      id
      front
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewFlashcardMutation, ReviewFlashcardMutationVariables>;
export const DueFlashcardsDocument = new TypedDocumentString(`
    query DueFlashcards($deckId: ID!, $first: Int) {
  dueFlashcards(deckId: $deckId, first: $first) {
    dueAt
    card {
      id
      front
      back
    }
  }
}
    `) as unknown as TypedDocumentString<DueFlashcardsQuery, DueFlashcardsQueryVariables>;
export const StudySessionUpdatedDocument = new TypedDocumentString(`
    subscription StudySessionUpdated($sessionId: ID!) {
  studySessionUpdated(sessionId: $sessionId) {
    id
    status
    progressPercent
    focusSeconds
    user {
      id
      displayName
    }
    lesson {
      id
      title
    }
  }
}
    `) as unknown as TypedDocumentString<StudySessionUpdatedSubscription, StudySessionUpdatedSubscriptionVariables>;
export const LiveStudyStatsDocument = new TypedDocumentString(`
    subscription LiveStudyStats($courseId: ID) {
  liveStudyStats(courseId: $courseId) {
    activeSessions
    learnersToday
    focusSecondsToday
    averageProgress
    at
  }
}
    `) as unknown as TypedDocumentString<LiveStudyStatsSubscription, LiveStudyStatsSubscriptionVariables>;
export const LeaderboardUpdatedDocument = new TypedDocumentString(`
    subscription LeaderboardUpdated($testId: ID!) {
  leaderboardUpdated(testId: $testId) {
    rank
    score
    user {
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<LeaderboardUpdatedSubscription, LeaderboardUpdatedSubscriptionVariables>;
export const CreateCourseDocument = new TypedDocumentString(`
    mutation CreateCourse($input: CreateCourseInput!) {
  createCourse(input: $input) {
    id
    slug
    title
    level
    status
    tags
    author {
      id
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<CreateCourseMutation, CreateCourseMutationVariables>;
export const AddLessonDocument = new TypedDocumentString(`
    mutation AddLesson($courseId: ID!, $input: LessonInput!) {
  addLesson(courseId: $courseId, input: $input) {
    id
    position
    title
    durationMinutes
    course {
      id
      lessonCount
    }
  }
}
    `) as unknown as TypedDocumentString<AddLessonMutation, AddLessonMutationVariables>;
export const PublishCourseDocument = new TypedDocumentString(`
    mutation PublishCourse($id: ID!) {
  publishCourse(id: $id) {
    id
    status
    publishedAt
  }
}
    `) as unknown as TypedDocumentString<PublishCourseMutation, PublishCourseMutationVariables>;
export const CourseBySlugDocument = new TypedDocumentString(`
    query CourseBySlug($slug: String!) {
  course(slug: $slug) {
    id
    title
    description
    level
    status
    tags
    cover {
      url
    }
    author {
      id
      displayName
      avatar {
        url
      }
    }
    lessons {
      id
      position
      title
      durationMinutes
      media {
        id
        url
        contentType
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CourseBySlugQuery, CourseBySlugQueryVariables>;
export const CourseCatalogDocument = new TypedDocumentString(`
    query CourseCatalog($first: Int, $after: String, $filter: CourseFilter) {
  courses(first: $first, after: $after, filter: $filter) {
    totalCount
    edges {
      cursor
      node {
        id
        slug
        title
        level
        tags
        lessonCount
        author {
          id
          displayName
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<CourseCatalogQuery, CourseCatalogQueryVariables>;
export const SearchContentDocument = new TypedDocumentString(`
    query SearchContent($query: String!, $first: Int) {
  searchContent(query: $query, first: $first) {
    __typename
    ... on Course {
      id
      title
      slug
    }
    ... on Lesson {
      id
      title
      course {
        id
        title
      }
    }
    ... on ReadingMaterial {
      id
      title
      kind
    }
  }
}
    `) as unknown as TypedDocumentString<SearchContentQuery, SearchContentQueryVariables>;
export const CreateReadingMaterialDocument = new TypedDocumentString(`
    mutation CreateReadingMaterial($input: ReadingMaterialInput!) {
  createReadingMaterial(input: $input) {
    id
    title
    kind
    topic
    attachment {
      id
      url
      contentType
    }
  }
}
    `) as unknown as TypedDocumentString<CreateReadingMaterialMutation, CreateReadingMaterialMutationVariables>;
export const ReadingMaterialsDocument = new TypedDocumentString(`
    query ReadingMaterials($kind: MaterialKind, $topic: String, $first: Int, $after: String) {
  readingMaterials(kind: $kind, topic: $topic, first: $first, after: $after) {
    totalCount
    edges {
      node {
        id
        title
        kind
        topic
        publishedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ReadingMaterialsQuery, ReadingMaterialsQueryVariables>;
export const CreateFlashcardDeckDocument = new TypedDocumentString(`
    mutation CreateFlashcardDeck($input: FlashcardDeckInput!) {
  createFlashcardDeck(input: $input) {
    id
    title
    owner {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<CreateFlashcardDeckMutation, CreateFlashcardDeckMutationVariables>;
export const AddFlashcardDocument = new TypedDocumentString(`
    mutation AddFlashcard($deckId: ID!, $input: FlashcardInput!) {
  addFlashcard(deckId: $deckId, input: $input) {
    id
    front
    back
    media {
      url
    }
  }
}
    `) as unknown as TypedDocumentString<AddFlashcardMutation, AddFlashcardMutationVariables>;
export const FlashcardDeckDocument = new TypedDocumentString(`
    query FlashcardDeck($id: ID!) {
  flashcardDeck(id: $id) {
    id
    title
    cardCount
    owner {
      displayName
    }
    cards {
      id
      front
      back
    }
  }
}
    `) as unknown as TypedDocumentString<FlashcardDeckQuery, FlashcardDeckQueryVariables>;
export const CreateUploadUrlDocument = new TypedDocumentString(`
    mutation CreateUploadUrl($input: CreateUploadUrlInput!) {
  createUploadUrl(input: $input) {
    uploadUrl
    method
    headers {
      name
      value
    }
    expiresAt
    asset {
      id
      key
      status
      purpose
      contentType
      sizeBytes
    }
  }
}
    `) as unknown as TypedDocumentString<CreateUploadUrlMutation, CreateUploadUrlMutationVariables>;
export const CompleteUploadDocument = new TypedDocumentString(`
    mutation CompleteUpload($assetId: ID!) {
  completeUpload(assetId: $assetId) {
    id
    status
    url
    contentType
    sizeBytes
  }
}
    `) as unknown as TypedDocumentString<CompleteUploadMutation, CompleteUploadMutationVariables>;
export const MediaAssetDocument = new TypedDocumentString(`
    query MediaAsset($id: ID!) {
  mediaAsset(id: $id) {
    id
    status
    url
    filename
    contentType
    sizeBytes
    createdAt
    owner {
      id
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<MediaAssetQuery, MediaAssetQueryVariables>;
export const MyCoursesDocument = new TypedDocumentString(`
    query MyCourses {
  me {
    authoredCourses {
      id
      title
      status
      lessonCount
    }
  }
}
    `) as unknown as TypedDocumentString<MyCoursesQuery, MyCoursesQueryVariables>;
export const CreateLeadDocument = new TypedDocumentString(`
    mutation CreateLead($input: LeadInput!) {
  createLead(input: $input) {
    id
    name
    company
    email
    score
    status
    owner {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<CreateLeadMutation, CreateLeadMutationVariables>;
export const ImportLeadsDocument = new TypedDocumentString(`
    mutation ImportLeads($assetId: ID!) {
  importLeads(assetId: $assetId) {
    imported
    updated
    skipped
    errors {
      row
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ImportLeadsMutation, ImportLeadsMutationVariables>;
export const LeadsDocument = new TypedDocumentString(`
    query Leads($filter: LeadFilter, $orderBy: LeadOrder, $first: Int, $after: String) {
  leads(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        id
        name
        title
        company
        location
        email
        score
        rank
        status
        source
        owner {
          displayName
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<LeadsQuery, LeadsQueryVariables>;
export const LeadDocument = new TypedDocumentString(`
    query Lead($id: ID!) {
  lead(id: $id) {
    id
    name
    score
    status
    signals {
      name
      value
    }
    scoreHistory {
      score
      at
    }
    convertedUser {
      id
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<LeadQuery, LeadQueryVariables>;
export const UpdateLeadStatusDocument = new TypedDocumentString(`
    mutation UpdateLeadStatus($id: ID!, $status: LeadStatus!) {
  updateLeadStatus(id: $id, status: $status) {
    id
    status
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<UpdateLeadStatusMutation, UpdateLeadStatusMutationVariables>;
export const SetScoringWeightsDocument = new TypedDocumentString(`
    mutation SetScoringWeights($weights: [ScoringWeightInput!]!) {
  setScoringWeights(weights: $weights) {
    signal
    weight
  }
}
    `) as unknown as TypedDocumentString<SetScoringWeightsMutation, SetScoringWeightsMutationVariables>;
export const RescoreLeadsDocument = new TypedDocumentString(`
    mutation RescoreLeads {
  rescoreLeads {
    scored
  }
}
    `) as unknown as TypedDocumentString<RescoreLeadsMutation, RescoreLeadsMutationVariables>;
export const ExportLeadsDocument = new TypedDocumentString(`
    mutation ExportLeads($filter: LeadFilter, $format: ExportFormat!) {
  exportLeads(filter: $filter, format: $format) {
    id
    status
    format
  }
}
    `) as unknown as TypedDocumentString<ExportLeadsMutation, ExportLeadsMutationVariables>;
export const LeadExportDocument = new TypedDocumentString(`
    query LeadExport($id: ID!) {
  leadExport(id: $id) {
    id
    status
    format
    recordCount
    downloadUrl
    createdAt
  }
}
    `) as unknown as TypedDocumentString<LeadExportQuery, LeadExportQueryVariables>;
export const CreateCampaignDocument = new TypedDocumentString(`
    mutation CreateCampaign($input: CampaignInput!) {
  createCampaign(input: $input) {
    id
    name
    channel
    startsAt
  }
}
    `) as unknown as TypedDocumentString<CreateCampaignMutation, CreateCampaignMutationVariables>;
export const RecordSignupDocument = new TypedDocumentString(`
    mutation RecordSignup($input: SignupInput!) {
  recordSignup(input: $input) {
    id
    email
    lead {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<RecordSignupMutation, RecordSignupMutationVariables>;
export const CampaignFunnelDocument = new TypedDocumentString(`
    query CampaignFunnel($id: ID!) {
  campaign(id: $id) {
    id
    name
    funnel {
      leads
      contacted
      qualified
      converted
      signups
      conversionRate
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignFunnelQuery, CampaignFunnelQueryVariables>;
export const LeadPipelineUpdatedDocument = new TypedDocumentString(`
    subscription LeadPipelineUpdated {
  leadPipelineUpdated {
    leadId
    status
    score
    at
    lead {
      name
      company
    }
  }
}
    `) as unknown as TypedDocumentString<LeadPipelineUpdatedSubscription, LeadPipelineUpdatedSubscriptionVariables>;
export const ConnectSocialAccountDocument = new TypedDocumentString(`
    mutation ConnectSocialAccount($input: ConnectSocialAccountInput!) {
  connectSocialAccount(input: $input) {
    id
    platform
    handle
    status
    tokenExpiresAt
    owner {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<ConnectSocialAccountMutation, ConnectSocialAccountMutationVariables>;
export const DisconnectSocialAccountDocument = new TypedDocumentString(`
    mutation DisconnectSocialAccount($id: ID!) {
  disconnectSocialAccount(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DisconnectSocialAccountMutation, DisconnectSocialAccountMutationVariables>;
export const SocialAccountsDocument = new TypedDocumentString(`
    query SocialAccounts {
  socialAccounts {
    id
    platform
    handle
    followersCount
    postsCount
    status
    lastSyncedAt
  }
}
    `) as unknown as TypedDocumentString<SocialAccountsQuery, SocialAccountsQueryVariables>;
export const RecordPostMetricsDocument = new TypedDocumentString(`
    mutation RecordPostMetrics($accountId: ID!, $posts: [PostMetricsInput!]!) {
  recordPostMetrics(accountId: $accountId, posts: $posts) {
    id
    externalId
    likes
    comments
    saves
    shares
    reach
    impressions
    engagementRate
  }
}
    `) as unknown as TypedDocumentString<RecordPostMetricsMutation, RecordPostMetricsMutationVariables>;
export const SchedulePostDocument = new TypedDocumentString(`
    mutation SchedulePost($input: SchedulePostInput!) {
  schedulePost(input: $input) {
    id
    status
    scheduledFor
    caption
    hashtags
    media {
      id
      url
    }
    promotes {
      id
      title
    }
  }
}
    `) as unknown as TypedDocumentString<SchedulePostMutation, SchedulePostMutationVariables>;
export const CancelScheduledPostDocument = new TypedDocumentString(`
    mutation CancelScheduledPost($id: ID!) {
  cancelScheduledPost(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<CancelScheduledPostMutation, CancelScheduledPostMutationVariables>;
export const ScheduledPostsDocument = new TypedDocumentString(`
    query ScheduledPosts($accountId: ID!, $status: ScheduledPostStatus) {
  scheduledPosts(accountId: $accountId, status: $status) {
    id
    status
    scheduledFor
    publishedAt
    attempts
    lastError
  }
}
    `) as unknown as TypedDocumentString<ScheduledPostsQuery, ScheduledPostsQueryVariables>;
export const AccountAnalyticsDocument = new TypedDocumentString(`
    query AccountAnalytics($accountId: ID!, $days: Int) {
  accountAnalytics(accountId: $accountId, days: $days) {
    followers
    engagementRate
    totalReach
    bestPostingHour
    daily {
      date
      posts
      reach
      engagementRate
    }
    topPosts {
      id
      caption
      engagementRate
      permalink
    }
  }
}
    `) as unknown as TypedDocumentString<AccountAnalyticsQuery, AccountAnalyticsQueryVariables>;
export const EngagementUpdatedDocument = new TypedDocumentString(`
    subscription EngagementUpdated($accountId: ID!) {
  engagementUpdated(accountId: $accountId) {
    accountId
    engagementRate
    totalReach
    at
  }
}
    `) as unknown as TypedDocumentString<EngagementUpdatedSubscription, EngagementUpdatedSubscriptionVariables>;
export const RegisterDocument = new TypedDocumentString(`
    mutation Register($input: RegisterInput!) {
  register(input: $input) {
    accessToken
    refreshToken
    expiresAt
    user {
      id
      email
      displayName
      role
    }
  }
}
    `) as unknown as TypedDocumentString<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    refreshToken
    expiresAt
    user {
      id
      displayName
      role
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const RefreshSessionDocument = new TypedDocumentString(`
    mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) {
    accessToken
    refreshToken
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    email
    displayName
    role
    plan
    timezone
    createdAt
    avatar {
      id
      url
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const UpdateProfileDocument = new TypedDocumentString(`
    mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    id
    displayName
    timezone
    avatar {
      id
      url
      contentType
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateProfileMutation, UpdateProfileMutationVariables>;
export const UserDirectoryDocument = new TypedDocumentString(`
    query UserDirectory($first: Int, $after: String, $role: Role) {
  users(first: $first, after: $after, role: $role) {
    totalCount
    edges {
      cursor
      node {
        id
        displayName
        role
        createdAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<UserDirectoryQuery, UserDirectoryQueryVariables>;
export const SetUserRoleDocument = new TypedDocumentString(`
    mutation SetUserRole($userId: ID!, $role: Role!) {
  setUserRole(userId: $userId, role: $role) {
    id
    role
  }
}
    `) as unknown as TypedDocumentString<SetUserRoleMutation, SetUserRoleMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    secret
    apiKey {
      id
      name
      scopes
      createdAt
      lastUsedAt
    }
  }
}
    `) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const MyApiKeysDocument = new TypedDocumentString(`
    query MyApiKeys {
  me {
    apiKeys {
      id
      name
      scopes
      createdAt
      lastUsedAt
      revokedAt
    }
  }
}
    `) as unknown as TypedDocumentString<MyApiKeysQuery, MyApiKeysQueryVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    edges {
      node {
        id
        action
        resourceType
        resourceId
        createdAt
        actor {
          id
          displayName
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;