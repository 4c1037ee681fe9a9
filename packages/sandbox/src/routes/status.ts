import type { App } from "../http/app.js";

export function registerStatus(app: App): void {
  app.route("/api/status/", { GET: () => ({ status: 200, body: { status: "Good" } }) });
}
