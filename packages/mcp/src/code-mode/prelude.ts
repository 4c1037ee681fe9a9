/**
 * Runs inside the interpreter before the snippet: builds `alpacon` (plain functions, one per
 * bridged method, frozen) and `console` over the two host functions it is given, which are
 * kept in this closure and never reachable by name. Arguments go out and answers come back as
 * JSON text, parsed in here, so the snippet only ever holds its own objects.
 */
export const PRELUDE = `(function (call, log, methodsJson) {
  "use strict";
  const methods = JSON.parse(methodsJson);
  const send = (path, args) => {
    // JSON turns a left-out argument into null; trailing ones are dropped so defaults apply.
    while (args.length && args[args.length - 1] === undefined) args.pop();
    return call(path, JSON.stringify(args));
  };
  const make = (path, iterator) =>
    iterator
      ? (...args) => {
          const all = send(path, args).then((text) => JSON.parse(text));
          return {
            async *[Symbol.asyncIterator]() {
              for (const item of await all) yield item;
            },
            then: (ok, fail) => all.then(ok, fail),
          };
        }
      : async (...args) => JSON.parse(await send(path, args));
  const alpacon = {};
  for (const { path, iterator } of methods) {
    const keys = path.split(".");
    let at = alpacon;
    for (const key of keys.slice(0, -1)) at = at[key] ??= {};
    at[keys[keys.length - 1]] = make(path, iterator);
  }
  const freeze = (value) => {
    Object.freeze(value);
    for (const inner of Object.values(value)) if (typeof inner === "object") freeze(inner);
  };
  freeze(alpacon);
  const text = (value) => {
    if (typeof value === "string") return value;
    if (value instanceof Error) return String(value);
    try {
      const json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch {
      return String(value);
    }
  };
  const write = (level) => (...values) => log((level ? level + ": " : "") + values.map(text).join(" "));
  const console = Object.freeze({
    log: write(""),
    info: write(""),
    debug: write(""),
    warn: write("warn"),
    error: write("error"),
  });
  Object.defineProperty(globalThis, "alpacon", { value: alpacon, enumerable: true });
  Object.defineProperty(globalThis, "console", { value: console, enumerable: true });
  Object.defineProperty(globalThis, "__finish", {
    value: (promise) =>
      Promise.resolve(promise).then((value) => {
        const json = JSON.stringify(value === undefined ? null : value);
        return json === undefined ? "null" : json;
      }),
  });
})`;
