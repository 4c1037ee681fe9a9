import { ApiError } from "./errors.js";
import { UUID_RE } from "./list.js";

interface Common {
  required?: boolean;
  /** Allow an explicit `null` (DRF `allow_null`). */
  nullable?: boolean;
}

const pyType = (v: unknown): string =>
  Array.isArray(v) ? "list" : v === null ? "NoneType" : typeof v === "object" ? "dict" : typeof v;

/**
 * Reads a JSON body the way a DRF serializer validates it: every field error is collected, then
 * one 400 `{"field": ["message"]}` is thrown by `done()`. Messages are DRF 3.14's.
 */
export class BodyReader {
  readonly errors: Record<string, string[]> = {};
  private readonly body: Record<string, unknown>;

  constructor(data: unknown) {
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new ApiError(400, {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(data)}.`],
      });
    }
    this.body = data as Record<string, unknown>;
  }

  has(name: string): boolean {
    return this.body[name] !== undefined;
  }

  fail(name: string, message: string): void {
    const list = this.errors[name];
    if (list) list.push(message);
    else this.errors[name] = [message];
  }

  private present(name: string, opts: Common): "skip" | "null" | "value" {
    const value = this.body[name];
    if (value === undefined) {
      if (opts.required) this.fail(name, "This field is required.");
      return "skip";
    }
    if (value === null) {
      if (!opts.nullable) this.fail(name, "This field may not be null.");
      return "null";
    }
    return "value";
  }

  string(
    name: string,
    opts: Common & { max?: number; allowBlank?: boolean } = {},
  ): string | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value !== "string" && typeof value !== "number") {
      this.fail(name, "Not a valid string.");
      return undefined;
    }
    const s = String(value);
    if (s.trim() === "" && !opts.allowBlank) {
      this.fail(name, "This field may not be blank.");
      return undefined;
    }
    if (opts.max !== undefined && s.length > opts.max) {
      this.fail(name, `Ensure this field has no more than ${opts.max} characters.`);
      return undefined;
    }
    return s;
  }

  bool(name: string, opts: Common = {}): boolean | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "True" || value === 1 || value === "1") return true;
    if (value === "false" || value === "False" || value === 0 || value === "0") return false;
    this.fail(name, "Must be a valid boolean.");
    return undefined;
  }

  int(name: string, opts: Common & { min?: number; max?: number } = {}): number | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    const n =
      typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
    if (!Number.isInteger(n)) {
      this.fail(name, "A valid integer is required.");
      return undefined;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.fail(name, `Ensure this value is greater than or equal to ${opts.min}.`);
      return undefined;
    }
    if (opts.max !== undefined && n > opts.max) {
      this.fail(name, `Ensure this value is less than or equal to ${opts.max}.`);
      return undefined;
    }
    return n;
  }

  number(name: string, opts: Common = {}): number | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    const n =
      typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) {
      this.fail(name, "A valid number is required.");
      return undefined;
    }
    return n;
  }

  uuid(name: string, opts: Common = {}): string | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value !== "string" || !UUID_RE.test(value)) {
      this.fail(name, "Must be a valid UUID.");
      return undefined;
    }
    return value.toLowerCase();
  }

  /** A primary-key relation: a UUID that `exists` must accept. */
  ref<T>(
    name: string,
    lookup: (id: string) => T | undefined,
    opts: Common = {},
  ): T | null | undefined {
    const id = this.uuid(name, opts);
    if (id === null || id === undefined) return id;
    const found = lookup(id);
    if (found === undefined) this.fail(name, `Invalid pk "${id}" - object does not exist.`);
    return found;
  }

  choice<C extends string>(
    name: string,
    choices: readonly C[],
    opts: Common = {},
  ): C | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      this.fail(name, `"${String(value)}" is not a valid choice.`);
      return undefined;
    }
    return value as C;
  }

  stringMap(name: string, opts: Common = {}): Record<string, string> | null | undefined {
    const state = this.present(name, { nullable: true, ...opts });
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(name, `Expected a dictionary of items but got type "${pyType(value)}".`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
        this.fail(name, "Not a valid string.");
        return undefined;
      }
      out[k] = String(v);
    }
    return out;
  }

  list(name: string, opts: Common = {}): unknown[] | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (!Array.isArray(value)) {
      this.fail(name, `Expected a list of items but got type "${pyType(value)}".`);
      return undefined;
    }
    return value;
  }

  stringList(name: string, opts: Common = {}): string[] | null | undefined {
    const items = this.list(name, opts);
    if (!items) return items;
    if (!items.every((i) => typeof i === "string")) {
      this.fail(name, "Not a valid string.");
      return undefined;
    }
    return items as string[];
  }

  uuidList(name: string, opts: Common = {}): string[] | null | undefined {
    const items = this.list(name, opts);
    if (!items) return items;
    for (const item of items) {
      if (typeof item !== "string" || !UUID_RE.test(item)) {
        this.fail(name, "Must be a valid UUID.");
        return undefined;
      }
    }
    return (items as string[]).map((s) => s.toLowerCase());
  }

  email(name: string, opts: Common & { allowBlank?: boolean } = {}): string | null | undefined {
    const s = this.string(name, { max: 254, ...opts });
    if (typeof s === "string" && s !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) {
      this.fail(name, "Enter a valid email address.");
      return undefined;
    }
    return s;
  }

  dateTime(name: string, opts: Common = {}): string | null | undefined {
    const state = this.present(name, opts);
    if (state !== "value") return state === "null" ? null : undefined;
    const value = this.body[name];
    if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
      this.fail(
        name,
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
      );
      return undefined;
    }
    return new Date(value).toISOString();
  }

  /** Throws the collected field errors, if any. */
  done(): void {
    if (Object.keys(this.errors).length > 0) throw new ApiError(400, this.errors);
  }
}
