import type { App } from "../http/app.js";
import { registerAlerts } from "./alerts.js";
import { registerApprovals } from "./approvals.js";
import { registerAudit } from "./audit.js";
import { registerCerts } from "./certs.js";
import { registerCommands } from "./commands.js";
import { registerEvents } from "./events.js";
import { registerIam } from "./iam.js";
import { registerMetrics } from "./metrics.js";
import { registerNotes } from "./notes.js";
import { registerPackages } from "./packages.js";
import { registerSecurity } from "./security.js";
import { registerServerAdmin } from "./server-admin.js";
import { registerServers } from "./servers.js";
import { registerStatus } from "./status.js";
import { registerSystem } from "./system.js";
import { registerTokens } from "./tokens.js";
import { registerWebftp } from "./webftp.js";
import { registerWebhooks } from "./webhooks.js";
import { registerWebsh } from "./websh.js";
import { registerWebshTunnels } from "./websh-tunnels.js";
import { registerWorkSessions } from "./work-sessions.js";
import { registerWorkspace } from "./workspace.js";

/** Every REST operation of `openapi/alpacon.yaml`. */
export function registerRoutes(app: App): void {
  registerStatus(app);
  registerServers(app);
  registerServerAdmin(app);
  registerNotes(app);
  registerMetrics(app);
  registerAlerts(app);
  registerSystem(app);
  registerEvents(app);
  registerCommands(app);
  registerWebsh(app);
  registerWebshTunnels(app);
  registerWebftp(app);
  registerIam(app);
  registerWorkSessions(app);
  registerApprovals(app);
  registerTokens(app);
  registerSecurity(app);
  registerCerts(app);
  registerWorkspace(app);
  registerAudit(app);
  registerPackages(app);
  registerWebhooks(app);
}
