/** Any body DRF or the SaaS would send: `{detail}`, `{code, source}`, field errors, or a list. */
export type ErrorBody = Record<string, unknown> | unknown[];

/** Thrown by handlers; the pipeline turns it into a JSON response with this status and body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

// DRF 3.14 wording, which the CLI and the MCP reference were written against.
export const notFound = (): ApiError => new ApiError(404, { detail: "Not found." });
export const permissionDenied = (): ApiError =>
  new ApiError(403, { detail: "You do not have permission to perform this action." });
export const fieldErrors = (errors: Record<string, string[]>): ApiError =>
  new ApiError(400, errors);
export const nonFieldError = (message: string): ApiError =>
  new ApiError(400, { non_field_errors: [message] });
export const coded = (status: number, code: string, source?: string, detail?: string): ApiError =>
  new ApiError(status, {
    code,
    ...(source === undefined ? {} : { source }),
    ...(detail === undefined ? {} : { detail }),
  });
