import { UploadPurpose, assetDownloadRoute, contentLookupRoute, verifyAssetRoute } from "@solo/content/internal-api";
import type { Identity, Logger, Peers } from "@solo/kit";
import { apiError, badInput, callInternal, forbidden, isUuid } from "@solo/kit";

/**
 * What social asks the content subgraph: whether an upload may be a post's media, a file to
 * publish, and whether a course is one the caller may promote. No copy of content's data is kept here.
 */
export class ContentClient {
  constructor(
    private readonly peers: Peers,
    private readonly logger: Logger,
  ) {}

  private url(): string {
    const url = this.peers.url("content");
    if (!url) throw apiError("SERVICE_UNAVAILABLE", "Content cannot be checked right now");
    return url;
  }

  private unavailable(call: string) {
    return (error: unknown): never => {
      // The client hears only that content cannot be checked; the log says why.
      this.logger.warn({ err: error, call }, "a call to content failed");
      throw apiError("SERVICE_UNAVAILABLE", "Content cannot be checked right now");
    };
  }

  /** A post's media: a completed SOCIAL_MEDIA upload of the scheduler's own, else BAD_USER_INPUT. */
  async requireOwnMedia(ownerId: string, assetId: string): Promise<void> {
    const refused = () => badInput("mediaAssetId must name a completed (READY) SOCIAL_MEDIA upload of your own", "mediaAssetId");
    if (!isUuid(assetId)) throw refused();
    const answer = await callInternal(verifyAssetRoute, this.url(), { assetId, ownerId, purpose: UploadPurpose.SOCIAL_MEDIA }, { caller: "social" }).catch(
      this.unavailable("verify asset"),
    );
    if (answer.status !== 200) throw refused();
  }

  /** The file to publish, or undefined when the upload is gone (deleted since it was scheduled). */
  async mediaToPublish(ownerId: string, assetId: string, timeoutMs: number): Promise<{ url: string; contentType: string } | undefined> {
    const request = { assetId, ownerId, purpose: UploadPurpose.SOCIAL_MEDIA };
    const answer = await callInternal(assetDownloadRoute, this.url(), request, { caller: "social", timeoutMs });
    return answer.status === 200 ? answer.body : undefined;
  }

  /** A course to promote: one the caller can see through the graph, else BAD_USER_INPUT. */
  async requireVisibleCourse(caller: Identity, courseId: string): Promise<void> {
    const refused = () => badInput("promotesCourseId must name a course you can see", "promotesCourseId");
    if (!isUuid(courseId)) throw refused();
    const answer = await callInternal(contentLookupRoute, this.url(), { courseIds: [courseId] }, { caller: "social", actingFor: caller }).catch(
      this.unavailable("course lookup"),
    );
    if (answer.status === 403) throw forbidden('This API key lacks the scope "content:read" (a promoted course is content)');
    if (!answer.body.courses[0]) throw refused();
  }
}
