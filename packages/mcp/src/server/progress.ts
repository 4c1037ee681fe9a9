import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Sends `notifications/progress` for the request when the client asked for it with a
 * progressToken. Progress must increase, so stale or repeated values are dropped; a failure to
 * send never fails the tool.
 */
export function progressReporter(extra: Extra) {
  const token = extra._meta?.progressToken;
  let last = Number.NEGATIVE_INFINITY;
  return async (done: number, total?: number, message?: string): Promise<void> => {
    if (token === undefined || done <= last) return;
    last = done;
    try {
      await extra.sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: token,
          progress: done,
          ...(total === undefined ? {} : { total }),
          ...(message === undefined ? {} : { message }),
        },
      });
    } catch {
      // The client may have gone away; the tool's own result reports what happened.
    }
  };
}
