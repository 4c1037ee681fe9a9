import * as z from "zod";
import { ToolError } from "../server/errors.js";

/** The environment variable alpacon-cli and the reference MCP read a default work session from. */
export const WORK_SESSION_VARIABLE = "ALPACON_WORK_SESSION";

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The optional input of every tool that runs commands, opens shells or moves files. */
export const workSessionField = {
  workSession: z
    .guid()
    .optional()
    .describe(`If the workspace requires one; default ${WORK_SESSION_VARIABLE}.`),
};

/**
 * The work session a call attaches: the argument, else ALPACON_WORK_SESSION (read per call, as
 * the reference does: alpacon-mcp@22fc34c utils/common.py `resolve_work_session_id`), else none.
 */
export function workSessionOf(
  args: { workSession?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): { workSession?: string } {
  if (args.workSession) return { workSession: args.workSession };
  const value = env[WORK_SESSION_VARIABLE]?.trim();
  if (!value) return {};
  if (!UUID.test(value)) {
    throw new ToolError(
      `${WORK_SESSION_VARIABLE} is set to something that is not a work session id (a UUID)`,
      `Fix or unset ${WORK_SESSION_VARIABLE} where alpacon-mcp is started, or pass workSession`,
    );
  }
  return { workSession: value };
}
