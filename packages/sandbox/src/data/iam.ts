import type { IamGroup, IamUser, Membership, MembershipRole } from "../state/model.js";
import { FIRST_NAMES, GROUP_DEFS, LAST_NAMES } from "./os-profiles.js";
import type { Rng } from "./rng.js";

const DAY = 86_400_000;

export interface IamSeed {
  users: IamUser[];
  groups: IamGroup[];
  memberships: Membership[];
}

const RETIRED_ID_DRAWS = 26;
const RETIRED_PICKS = [1, 2, 2, 3] as const;

/** IAM for one workspace: the first user owns the workspace (superuser) and its API tokens. */
export function generateIam(rng: Rng, serverCount: number, now: number): IamSeed {
  const userCount = Math.max(10, Math.min(300, 10 + Math.floor(serverCount / 25)));
  const taken = new Set<string>();
  const users: IamUser[] = [];
  for (let i = 0; i < userCount; i++) {
    const first = i < FIRST_NAMES.length ? (FIRST_NAMES[i] as string) : rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let username = first.toLowerCase();
    if (taken.has(username)) username = `${first}-${last}`.toLowerCase();
    for (let n = 2; taken.has(username); n++) username = `${first}-${last}${n}`.toLowerCase();
    taken.add(username);
    const joined = now - rng.int(30, 700) * DAY - rng.int(0, DAY);
    const lastLogin = rng.chance(0.85) ? now - rng.int(0, 30 * DAY) : null;
    users.push({
      id: rng.uuid(),
      username,
      first_name: first,
      last_name: last,
      email: `${username}@example.com`,
      phone: rng.chance(0.5) ? `+82-10-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}` : "",
      tags: i === 0 ? "owner" : rng.chance(0.2) ? rng.pick(["oncall", "contractor", "intern"]) : "",
      description: "",
      uid: 2001 + i,
      shell: "/bin/bash",
      home_directory: `/home/${username}`,
      is_active: i < 3 || rng.chance(0.95),
      is_staff: i < 3,
      is_superuser: i === 0,
      is_ldap_user: i > 5 && rng.chance(0.1),
      date_joined: joined,
      last_login: lastLogin,
      last_login_ip: lastLogin === null ? null : `198.51.100.${rng.int(1, 254)}`,
      added_at: joined,
      updated_at: joined + rng.int(0, 10) * DAY,
    });
  }

  const groups: IamGroup[] = GROUP_DEFS.map((def, i) => {
    const added = now - rng.int(200, 800) * DAY;
    return {
      id: rng.uuid(),
      name: def.name,
      display_name: def.display,
      description: def.description,
      tags: "",
      gid: 2001 + i,
      is_ldap_group: false,
      serverIds: [],
      added_at: added,
      updated_at: added,
    };
  });

  const memberships: Membership[] = [];
  const owner = users[0] as IamUser;
  for (const [gi, group] of groups.entries()) {
    const members =
      gi === 0
        ? users
        : [owner, ...rng.sample(users.slice(1), rng.int(2, Math.min(12, users.length - 1)))];
    for (const user of members) {
      const role: MembershipRole =
        user === owner ? "owner" : gi > 0 && rng.chance(0.15) ? "manager" : "member";
      memberships.push({
        id: rng.uuid(),
        group: group.id,
        user: user.id,
        role,
        added_at: Math.max(group.added_at, user.date_joined),
      });
    }
  }

  // Roles and permissions were once generated here (the real API has none). Their draws stay so
  // that every seed keeps generating the same fleet (server ids, names, tokens' data) after them.
  for (let i = 0; i < RETIRED_ID_DRAWS; i++) rng.uuid();
  for (const user of users) if (!user.is_staff) rng.pick(RETIRED_PICKS);
  return { users, groups, memberships };
}
