// A small JSON Schema (draft-07) checker for the protocol schema: the keywords it uses and no more
// (no eval, so it runs under a strict Content-Security-Policy). Unknown keywords are ignored.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  if?: Schema;
  then?: Schema;
  else?: Schema;
  definitions?: Record<string, Schema>;
  [keyword: string]: unknown;
}

function typeOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  return typeof x;
}

function hasType(x: unknown, t: string): boolean {
  if (t === "integer") return typeof x === "number" && Number.isInteger(x);
  if (t === "number") return typeof x === "number" && Number.isFinite(x);
  if (t === "object") return typeOf(x) === "object";
  return typeOf(x) === t;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A checker for one definition of a schema document; returns the problems found ([] = valid). */
export function compile(doc: Schema, ref: string): (value: unknown) => string[] {
  const resolve = (r: string): Schema => {
    if (!r.startsWith("#/")) throw new Error(`only local $ref is supported: ${r}`);
    let node: unknown = doc;
    for (const part of r.slice(2).split("/")) node = (node as Record<string, unknown> | undefined)?.[part];
    if (!node || typeof node !== "object") throw new Error(`unresolved $ref ${r}`);
    return node as Schema;
  };
  const check = (s: Schema, x: unknown, path: string, out: string[]): void => {
    if (s.$ref) check(resolve(s.$ref), x, path, out);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => hasType(x, t))) {
        out.push(`${path} must be ${types.join(" or ")}, not ${typeOf(x)}`);
        return;
      }
    }
    if ("const" in s && !same(x, s.const)) out.push(`${path} must be ${JSON.stringify(s.const)}`);
    if (s.enum && !s.enum.some((e) => same(x, e))) out.push(`${path} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    if (typeof x === "number") {
      if (s.minimum !== undefined && x < s.minimum) out.push(`${path} must be >= ${s.minimum}`);
      if (s.maximum !== undefined && x > s.maximum) out.push(`${path} must be <= ${s.maximum}`);
    }
    if (typeof x === "string") {
      if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(x)) out.push(`${path} must match ${s.pattern}`);
      if (s.minLength !== undefined && x.length < s.minLength) out.push(`${path} needs at least ${s.minLength} characters`);
      if (s.maxLength !== undefined && x.length > s.maxLength) out.push(`${path} takes at most ${s.maxLength} characters`);
    }
    if (Array.isArray(x)) {
      if (s.minItems !== undefined && x.length < s.minItems) out.push(`${path} needs at least ${s.minItems} items`);
      if (s.maxItems !== undefined && x.length > s.maxItems) out.push(`${path} takes at most ${s.maxItems} items`);
      if (s.items) x.forEach((item, i) => check(s.items as Schema, item, `${path}[${i}]`, out));
    }
    if (typeOf(x) === "object") {
      const o = x as Record<string, unknown>;
      for (const k of s.required ?? []) if (!(k in o)) out.push(`${path}.${k} is required`);
      for (const [k, v] of Object.entries(o)) {
        const p = s.properties?.[k];
        if (p) check(p, v, `${path}.${k}`, out);
        else if (s.additionalProperties === false) out.push(`${path}.${k} is not allowed`);
        else if (typeof s.additionalProperties === "object") check(s.additionalProperties, v, `${path}.${k}`, out);
      }
    }
    for (const sub of s.allOf ?? []) check(sub, x, path, out);
    if (s.anyOf && !s.anyOf.some((sub) => valid(sub, x))) out.push(`${path} matches none of the allowed shapes`);
    if (s.oneOf && s.oneOf.filter((sub) => valid(sub, x)).length !== 1) out.push(`${path} must match exactly one shape`);
    if (s.if) {
      const branch = valid(s.if, x) ? s.then : s.else;
      if (branch) check(branch, x, path, out);
    }
  };
  const valid = (s: Schema, x: unknown): boolean => {
    const out: string[] = [];
    check(s, x, "", out);
    return out.length === 0;
  };
  const root = resolve(ref);
  return (value: unknown): string[] => {
    const out: string[] = [];
    check(root, value, "frame", out);
    return out;
  };
}
