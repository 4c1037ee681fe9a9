import { alertTools } from "./alerts.js";
import { approvalTools } from "./approvals.js";
import { auditTools } from "./audit.js";
import { authTools } from "./auth.js";
import { certTools } from "./certs.js";
import { codeTools } from "./code.js";
import { commandTools } from "./commands.js";
import type { AnyTool } from "./define.js";
import { eventTools } from "./events.js";
import { healthTools } from "./health.js";
import { iamTools } from "./iam.js";
import { metricsTools } from "./metrics.js";
import { packageTools } from "./packages.js";
import { securityTools } from "./security.js";
import { serverAdminTools } from "./server-admin.js";
import { serverTools } from "./servers.js";
import { systemTools } from "./system-info.js";
import { tokenTools } from "./tokens.js";
import { webftpTools } from "./webftp.js";
import { webhookTools } from "./webhooks.js";
import { webshTools } from "./websh.js";
import { webshSharingTools } from "./websh-sharing.js";
import { webshTunnelTools } from "./websh-tunnels.js";
import { workSessionTools } from "./work-sessions.js";
import { workspaceTools } from "./workspace.js";

/** Every tool, in the order `tools/list` shows them. Each toolset lives in `./<toolset>.ts`. */
export const ALL_TOOLS: readonly AnyTool[] = [
  ...serverTools,
  ...metricsTools,
  ...alertTools,
  ...systemTools,
  ...webshTools,
  ...webshSharingTools,
  ...webshTunnelTools,
  ...webftpTools,
  ...eventTools,
  ...commandTools,
  ...workSessionTools,
  ...iamTools,
  ...authTools,
  ...workspaceTools,
  ...tokenTools,
  ...securityTools,
  ...auditTools,
  ...serverAdminTools,
  ...certTools,
  ...approvalTools,
  ...healthTools,
  ...packageTools,
  ...webhookTools,
  ...codeTools,
];
