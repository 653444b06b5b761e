import type { Value } from '../model/types';
import { pyTypeName } from '../model/types';
import type { TraitEntry } from './traits';
import type { Span } from '../util/text';

/** What traitlets would do with a literal value assigned to a trait. */
export interface TypeProblem {
  /** 'reject': traitlets raises TraitError (the hub does not start); 'misread': accepted but not as written */
  kind: 'reject' | 'misread';
  message: string;
  span: Span;
  /** replacement text for the value's span when the intent is evident */
  replacement?: string;
  replacementTitle?: string;
}

const STR_TYPES = new Set(['Unicode', 'Bytes', 'ObjectName', 'DottedObjectName', 'URL']);
const INT_TYPES = new Set(['Int', 'Integer', 'Long']);
const FLOAT_TYPES = new Set(['Float']);
const LIST_TYPES = new Set(['List']);
const SET_TYPES = new Set(['Set']);
const TUPLE_TYPES = new Set(['Tuple']);
const ENUM_TYPES = new Set(['Enum', 'CaselessStrEnum', 'FuzzyEnum']);
/** types that convert what they are given ("C" casting traits) or accept anything */
const LENIENT_TYPES = new Set(['Any', 'CUnicode', 'CInt', 'CFloat', 'CBool', 'CBytes', 'CLong', 'CComplex', 'Instance', 'ForwardDeclaredInstance', 'This', 'UseEnum', 'Container']);

function article(t: string): string {
  return /^[aeiou]/i.test(t) ? `an ${t}` : `a ${t}`;
}

function pyRepr(v: Value): string {
  switch (v.kind) {
    case 'str': return JSON.stringify(v.value).length > 40 ? `'${v.value.slice(0, 30)}…'` : `'${v.value}'`;
    case 'int': return String(v.value);
    case 'float': return Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value);
    case 'bool': return v.value ? 'True' : 'False';
    case 'none': return 'None';
    case 'list': case 'tuple': case 'set': case 'dict': return `a ${v.kind}`;
    default: return pyTypeName(v);
  }
}

/**
 * Checks a value against a trait's type as traitlets would (measured against traitlets 5.x as shipped
 * with JupyterHub): returns the first problem, or undefined when the value is accepted or not a literal.
 */
export function checkValue(trait: TraitEntry, v: Value, traitLabel: string): TypeProblem | undefined {
  return checkType(trait.type, trait, v, traitLabel, 0);
}

function checkType(type: string, t: TraitEntry | undefined, v: Value, label: string, depth: number): TypeProblem | undefined {
  if (depth > 5) return undefined;
  if (v.kind === 'env') {
    return checkEnv(type, t, v, label);
  }
  if (!['str', 'int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(v.kind)) return undefined;
  // a template or sops placeholder in a values file stands for a value of any type
  if (v.kind === 'str' && v.template) return undefined;
  if (LENIENT_TYPES.has(type)) return undefined;
  const allowNone = t?.allowNone ?? false;
  if (v.kind === 'none') {
    if (allowNone || type === 'ByteSpecification' || type === 'Any') return undefined;
    // a Union takes None when a member does (measured: JupyterHub 3.0's Unions of Unicode, Bytes,
    // Callable and List do not); Type, EntryPointType and Callable follow allow_none like the rest
    if (type === 'Union' && (t?.union ?? []).some((m) => LENIENT_TYPES.has(m) || m === 'ByteSpecification')) return undefined;
    return reject(`${label} does not accept None (it expects ${describe(type, t)})`, v);
  }
  switch (true) {
    case type === 'Bool': {
      if (v.kind === 'bool') return undefined;
      if (v.kind === 'int' && (v.value === 0 || v.value === 1)) return undefined;
      if (v.kind === 'str' && /^(true|false|yes|no|1|0|on|off)$/i.test(v.value.trim())) {
        const b = /^(true|yes|1|on)$/i.test(v.value.trim());
        return { ...reject(`${label} expects a boolean, not the string ${pyRepr(v)}: the hub will not start`, v), replacement: b ? 'True' : 'False', replacementTitle: `Write ${b ? 'True' : 'False'}` };
      }
      return reject(`${label} expects a boolean (True or False), not ${pyRepr(v)}`, v);
    }
    case INT_TYPES.has(type): {
      if (v.kind === 'int' || v.kind === 'bool') return checkBounds(t, v, label);
      if (v.kind === 'float' && Number.isInteger(v.value)) return { ...reject(`${label} expects an int, not the float ${pyRepr(v)}`, v), replacement: String(v.value), replacementTitle: `Write ${v.value}` };
      if (v.kind === 'str' && /^\s*-?\d+\s*$/.test(v.value)) return { ...reject(`${label} expects an int, not the string ${pyRepr(v)}`, v), replacement: String(parseInt(v.value, 10)), replacementTitle: `Write ${parseInt(v.value, 10)}` };
      return reject(`${label} expects an int, not ${pyRepr(v)}`, v);
    }
    case FLOAT_TYPES.has(type): {
      if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') return checkBounds(t, v, label);
      if (v.kind === 'str' && /^\s*-?\d+(\.\d*)?\s*$/.test(v.value)) {
        // no leading zeros: `010` is a syntax error in Python and 8 for YAML 1.1 readers
        const n = v.value.trim().replace(/^(-?)0+(?=\d)/, '$1');
        return { ...reject(`${label} expects a number, not the string ${pyRepr(v)}`, v), replacement: n, replacementTitle: `Write ${n}` };
      }
      return reject(`${label} expects a number, not ${pyRepr(v)}`, v);
    }
    case STR_TYPES.has(type): {
      if (v.kind === 'str') return undefined;
      return reject(`${label} expects a string, not ${pyRepr(v)}`, v);
    }
    case type === 'ByteSpecification': {
      if (v.kind === 'int' || v.kind === 'float') return undefined;
      // a bool is an int to Python: accepted as 1 or 0 bytes
      if (v.kind === 'bool') return { kind: 'misread', message: `${label} takes ${pyRepr(v)} as ${v.value ? 1 : 0} byte${v.value ? '' : 's'}: write a size such as '2G'`, span: v.span };
      if (v.kind === 'str') {
        const s = v.value;
        if (s.length >= 2 && 'KMGT'.includes(s[s.length - 1]) && s.slice(0, -1).trim() !== '' && !isNaN(Number(s.slice(0, -1)))) return undefined;
        const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])i?b?\s*$/i.exec(s);
        const fix = m ? `'${m[1]}${m[2].toUpperCase()}'` : undefined;
        return { ...reject(`${label} expects bytes as an int or a string like '512M' or '2G' (suffix K, M, G or T), not ${pyRepr(v)}`, v), replacement: fix, replacementTitle: fix ? `Write ${fix}` : undefined };
      }
      return reject(`${label} expects an int or a string like '2G', not ${pyRepr(v)}`, v);
    }
    case type === 'Command': {
      if (v.kind === 'str') return undefined; // a single string is wrapped into a one-item command
      return checkContainer('List', t, v, label, depth, 'Unicode');
    }
    case LIST_TYPES.has(type) || SET_TYPES.has(type) || TUPLE_TYPES.has(type):
      return checkContainer(type, t, v, label, depth);
    case type === 'Dict': {
      if (v.kind !== 'dict') return reject(`${label} expects a dict, not ${pyRepr(v)}`, v);
      if (t?.item && !LENIENT_TYPES.has(t.item)) {
        for (const e of v.entries) {
          const p = checkType(t.item, undefined, e.value, `A value in ${label}`, depth + 1);
          if (p && p.kind === 'reject') return p;
        }
      }
      return undefined;
    }
    case ENUM_TYPES.has(type): {
      const values = t?.values;
      if (!values || !values.length) return undefined;
      const caseless = type !== 'Enum';
      // Python compares True == 1 and False == 0: a bool matches those numbers
      const val = v.kind === 'bool' ? Number(v.value) : (v as { value?: unknown }).value;
      const ok = values.some((x) => x === val || (caseless && typeof x === 'string' && v.kind === 'str' && x.toLowerCase() === v.value.toLowerCase()));
      if (ok) return undefined;
      const shown = values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ');
      return reject(`${label} must be one of ${shown}${caseless ? ' (case-insensitive)' : ''}, not ${pyRepr(v)}`, v);
    }
    case type === 'Union': {
      const members = t?.union ?? [];
      if (!members.length || members.some((m) => LENIENT_TYPES.has(m) || m === 'Callable' || m === 'Type' || m === 'EntryPointType')) {
        // a callable member cannot be judged from a literal unless the literal is clearly not callable
        if (!members.length) return undefined;
      }
      const problems = members.map((m) => checkType(m, { type: m, allowNone: t?.allowNone }, v, label, depth + 1));
      if (problems.some((p) => !p || p.kind === 'misread')) return undefined;
      return reject(`${label} expects ${members.map((m) => describe(m, undefined)).join(' or ')}, not ${pyRepr(v)}`, v);
    }
    case type === 'Callable': {
      return reject(`${label} expects a callable (a function), not ${pyRepr(v)}`, v);
    }
    case type === 'Type' || type === 'EntryPointType': {
      if (v.kind === 'str') return undefined;
      return reject(`${label} expects a class, an import string or an entry-point name, not ${pyRepr(v)}`, v);
    }
    default:
      return undefined;
  }
}

function checkBounds(t: TraitEntry | undefined, v: Value, label: string): TypeProblem | undefined {
  void t; void v; void label;
  return undefined;
}

function checkContainer(type: string, t: TraitEntry | undefined, v: Value, label: string, depth: number, itemType?: string): TypeProblem | undefined {
  const kindName = type === 'Set' ? 'set' : type === 'Tuple' ? 'tuple' : 'list';
  const accepted = type === 'Set' ? ['set', 'list', 'tuple'] : type === 'Tuple' ? ['tuple', 'list'] : ['list', 'tuple'];
  // traitlets turns a string into a one-item container only for the trait itself: inside a Union, as a
  // dict value or as an item it is refused like any other non-container
  if (v.kind === 'str' && type !== 'Tuple' && depth > 0) return reject(`${label} expects a ${kindName}, not ${pyRepr(v)}`, v);
  if (v.kind === 'str' && type !== 'Tuple') {
    // the one item must still be a valid item (a string is no dict for load_roles)
    const one = itemType ?? t?.item;
    if (one && !LENIENT_TYPES.has(one)) {
      const p = checkType(one, undefined, v, `An item of ${label}`, depth + 1);
      if (p && p.kind === 'reject') return reject(`${label} expects a ${kindName}${one ? ` of ${describe(one, undefined).replace(/^an? /, '')}` : ''}, not ${pyRepr(v)}`, v);
    }
    const several = /[,;\s]/.test(v.value.trim());
    const items = several ? v.value.split(/[,;\s]+/).filter(Boolean) : [v.value];
    const q = v.span.end > v.span.start ? "'" : "'";
    const open = type === 'Set' ? '{' : '[';
    const close = type === 'Set' ? '}' : ']';
    const replacement = `${open}${items.map((x) => `${q}${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}${q}`).join(', ')}${close}`;
    return {
      kind: 'misread',
      message: several
        ? `${label} expects a ${kindName}; this string becomes ONE item ${pyRepr(v)}, not ${items.length} items`
        : `${label} expects a ${kindName}; a single string is taken as a one-item ${kindName}`,
      span: v.span,
      replacement,
      replacementTitle: `Write ${replacement}`,
    };
  }
  if (!accepted.includes(v.kind)) return reject(`${label} expects a ${kindName}, not ${pyRepr(v)}`, v);
  const it = itemType ?? t?.item;
  if (it && !LENIENT_TYPES.has(it) && (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set')) {
    for (const item of v.items) {
      const p = checkType(it, undefined, item, `An item of ${label}`, depth + 1);
      if (p && p.kind === 'reject') return p;
    }
  }
  if (t?.minLen && (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') && v.items.length < t.minLen) {
    return reject(`${label} needs at least ${t.minLen} item${t.minLen > 1 ? 's' : ''}`, v);
  }
  return undefined;
}

function checkEnv(type: string, t: TraitEntry | undefined, v: Extract<Value, { kind: 'env' }>, label: string): TypeProblem | undefined {
  // os.environ values are strings; only a string-accepting trait takes them as they are
  const stringOk = STR_TYPES.has(type) || LENIENT_TYPES.has(type) || type === 'ByteSpecification' || type === 'Command' || ENUM_TYPES.has(type) || type === 'Type' || type === 'EntryPointType' || type === 'List' || type === 'Set';
  if (stringOk) return undefined;
  if (type === 'Union' && (t?.union ?? []).some((m) => STR_TYPES.has(m) || LENIENT_TYPES.has(m))) return undefined;
  if (!['Bool', 'Int', 'Integer', 'Float', 'Dict', 'Tuple'].includes(type)) return undefined;
  return {
    kind: 'reject',
    message: `${label} expects ${describe(type, t)}, but environment variables are strings: convert the value (e.g. ${type === 'Bool' ? "`== 'true'`" : type === 'Dict' ? '`json.loads(...)`' : `\`${type === 'Float' ? 'float' : 'int'}(...)\``})`,
    span: v.span,
  };
}

function reject(message: string, v: Value): TypeProblem {
  return { kind: 'reject', message, span: v.span };
}

export function describe(type: string, t: TraitEntry | undefined): string {
  switch (type) {
    case 'Bool': return 'a boolean';
    case 'Int': case 'Integer': case 'Long': return 'an int';
    case 'Float': return 'a number';
    case 'Unicode': return 'a string';
    case 'List': return t?.item ? `a list of ${t.item}` : 'a list';
    case 'Set': return 'a set';
    case 'Tuple': return 'a tuple';
    case 'Dict': return 'a dict';
    case 'Callable': return 'a callable';
    case 'ByteSpecification': return "a byte size (int or '2G')";
    case 'Command': return 'a command (string or list of strings)';
    case 'Type': case 'EntryPointType': return 'a class or import string';
    default: return article(type);
  }
}
