import { withoutStacks } from '../../../util/errors';
import * as path from 'path';
import { parseAllDocuments, visit, isAlias, type Node as YNode } from 'yaml';
import type { ChartSetting, DictEntry, Value } from '../../../model/types';
import type { Fix, RuleContext } from '../../types';
import { loneCrToLf, type Span } from '../../../util/text';
import { isEncryptedValue, isPlaceholder, mask } from '../../security/util';

/** docker-stacks start scripts: they start as root and switch to NB_USER before the server starts */
export const DROPS_ROOT = /(^|\/)(start-singleuser\.(sh|py)|start-notebook\.(sh|py)|start\.sh)$/;

/** Linux capabilities that reach beyond the container. */
export const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'SYS_BOOT', 'SYS_TIME', 'MAC_ADMIN', 'MAC_OVERRIDE', 'NET_RAW', 'SYSLOG']);

/** Host paths that amount to root on the node. */
export const CRITICAL_HOST_PATH = /^(\/|\/etc\/?|\/root\/?|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/var\/run\/containerd(\/.*)?|\/run\/containerd(\/.*)?|\/var\/run\/crio(\/.*)?|\/var\/lib\/kubelet\/?|\/var\/lib\/docker\/?|\/proc\/?|\/sys\/?|\/dev\/?|\/boot\/?)$/;


/** Helpers shared by the chart security rules (z2jh values). */

const STABLE = 'https://z2jh.jupyter.org/en/stable';

/** Upstream documentation links: the configuration reference (one anchor per key) and the guides. */
export const DOCS = {
  ref: (dotted: string, title?: string) => ({ title: title ?? `z2jh reference: ${dotted}`, url: `${STABLE}/resources/reference.html#schema-${dotted.toLowerCase().replace(/[._]/g, '-')}` }),
  security: (anchor: string, title: string) => ({ title: `z2jh security: ${title}`, url: `${STABLE}/administrator/security.html#${anchor}` }),
  authentication: { title: 'z2jh: authentication and authorization', url: `${STABLE}/administrator/authentication.html` },
  userEnvironment: { title: 'z2jh: customizing the user environment', url: `${STABLE}/jupyterhub/customizing/user-environment.html` },
  kubespawner: { title: 'KubeSpawner configuration', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html' },
  podSecurity: { title: 'Kubernetes: Pod Security Standards', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
  envSecrets: { title: 'Kubernetes: using Secrets as environment variables', url: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables' },
  networkPolicy: { title: 'Kubernetes: network policies', url: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/' },
};

/** One YAML document's chart values, with lookups by dotted path. */
export interface ValuesDoc {
  index: number;
  settings: ChartSetting[];
  /** the last setting written at this exact path */
  get(dotted: string): ChartSetting | undefined;
  /** every setting written at this exact path (duplicate keys included) */
  all(dotted: string): ChartSetting[];
  value(dotted: string): Value | undefined;
  /** the first top-level key of the values (where a document-wide finding goes) */
  first?: ChartSetting;
  span: Span;
}

const docCache = new WeakMap<object, ValuesDoc[]>();

/** The chart values of each YAML document of the file. */
export function valuesDocs(ctx: RuleContext): ValuesDoc[] {
  const cached = docCache.get(ctx.model);
  if (cached) return cached;
  const byDoc = new Map<number, ChartSetting[]>();
  for (const s of ctx.model.chart) {
    const list = byDoc.get(s.doc) ?? [];
    list.push(s);
    byDoc.set(s.doc, list);
  }
  const out: ValuesDoc[] = [];
  for (const [index, settings] of [...byDoc.entries()].sort((a, b) => a[0] - b[0])) {
    const map = new Map<string, ChartSetting[]>();
    for (const s of settings) {
      const k = s.path.join('.');
      const l = map.get(k) ?? [];
      l.push(s);
      map.set(k, l);
    }
    const top = settings.filter((s) => s.path.length === 1).sort((a, b) => a.keySpan.start - b.keySpan.start);
    out.push({
      index,
      settings,
      get: (d) => {
        const l = map.get(d);
        return l ? l[l.length - 1] : undefined;
      },
      all: (d) => map.get(d) ?? [],
      value: (d) => {
        const l = map.get(d);
        return l ? l[l.length - 1].value : undefined;
      },
      first: top[0],
      span: { start: Math.min(...settings.map((s) => s.span.start)), end: Math.max(...settings.map((s) => s.span.end)) },
    });
  }
  docCache.set(ctx.model, out);
  return out;
}

/** The document a span (e.g. of a trait op from hub.extraConfig) belongs to. */
export function docOf(ctx: RuleContext, span: Span): number | undefined {
  return valuesDocs(ctx).find((d) => span.start >= d.span.start && span.end <= d.span.end)?.index;
}

export function boolOf(v: Value | undefined): boolean | undefined {
  return v?.kind === 'bool' ? v.value : undefined;
}

export function strOf(v: Value | undefined): string | undefined {
  return v?.kind === 'str' ? v.value : undefined;
}

export function isNone(v: Value | undefined): boolean {
  return v?.kind === 'none';
}

/** The string-keyed entries of a mapping. */
export function entriesOf(v: Value | undefined): (DictEntry & { key: Extract<Value, { kind: 'str' }> })[] {
  if (v?.kind !== 'dict') return [];
  return v.entries.filter((e): e is DictEntry & { key: Extract<Value, { kind: 'str' }> } => e.key.kind === 'str');
}

/** A key of a mapping (the last one when written twice). */
export function field(v: Value | undefined, key: string): DictEntry | undefined {
  if (v?.kind !== 'dict') return undefined;
  for (let i = v.entries.length - 1; i >= 0; i--) {
    const k = v.entries[i].key;
    if (k.kind === 'str' && k.value === key) return v.entries[i];
  }
  return undefined;
}

export function fieldValue(v: Value | undefined, ...keys: string[]): Value | undefined {
  let cur = v;
  for (const k of keys) cur = field(cur, k)?.value;
  return cur;
}

export function itemsOf(v: Value | undefined): Value[] {
  return v && (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') ? v.items : [];
}

/** A list or a mapping of name → item (the chart accepts both for volumes, env, ...): the items. */
export function listOrMapItems(v: Value | undefined): Value[] {
  if (!v) return [];
  if (v.kind === 'dict') return v.entries.map((e) => e.value);
  return itemsOf(v);
}

/** Where to point at a mapping: its first key (a block mapping's own range runs to the next line). */
export function firstKeySpan(v: Value): Span {
  return entriesOf(v)[0]?.key.span ?? v.span;
}

/** A value written literally in the file: a non-empty string (or number) that is no placeholder, no ciphertext. */
export function literalText(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  let s: string | undefined;
  if (v.kind === 'str') s = v.value;
  else if (v.kind === 'int' || v.kind === 'float') s = String(v.value);
  if (s === undefined || s.trim() === '' || isPlaceholder(s) || isEncryptedValue(s)) return undefined;
  return s;
}

/** Shows a secret without giving it away. */
export function maskSecret(s: string): string {
  return mask(s);
}

const TEST_FILE = /(^|[_.-])(test|tests|testing|ci|dev|local|demo|minikube|kind|k3d|sandbox|example)([_.-]|$)/i;

/** A values file named or placed like a test / development / CI config. */
export function isTestFile(ctx: RuleContext): boolean {
  const p = ctx.filePath ?? '';
  const base = path.basename(p).replace(/\.ya?ml$/i, '');
  return TEST_FILE.test(base) || /(^|[\\/])(tests?|testing|ci|dev)[\\/]/i.test(p);
}

/** A values file meant to hold the deployment's secrets (kept encrypted or out of version control). */
export function isSecretsFile(ctx: RuleContext): boolean {
  return /secret|credential|private/i.test(path.basename(ctx.filePath ?? ''));
}

/**
 * Replaces one scalar of the values file, only where that is exactly the place the value is
 * written (not an alias, not an anchored node reused elsewhere, not a value merged in with `<<`).
 */
export function scalarFix(ctx: RuleContext, s: ChartSetting | { value: Value; path?: string[] }, newText: string, applicability: Fix['applicability'], title: string, parent?: ChartSetting): Fix | undefined {
  const v = s.value;
  if (!['bool', 'str', 'int', 'float', 'none'].includes(v.kind) || v.span.end <= v.span.start) return undefined;
  const text = ctx.model.text;
  const src = text.slice(v.span.start, v.span.end);
  if (src.startsWith('*') || src.startsWith('&') || /[\r\n]/.test(src)) return undefined;
  let ls = v.span.start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  if (/&[^\s]+\s+$/.test(text.slice(ls, v.span.start))) return undefined;
  if (parent && !(v.span.start >= parent.span.start && v.span.end <= parent.span.end)) return undefined;
  // inside an anchored node that an alias repeats elsewhere: the edit would change those places too
  if (sharedRanges(ctx).some((r) => v.span.start >= r.start && v.span.end <= r.end)) return undefined;
  return { title, applicability, edits: [{ span: v.span, newText }] };
}

const sharedCache = new WeakMap<object, Span[]>();

/** Ranges of anchored YAML nodes that some alias refers to. */
function sharedRanges(ctx: RuleContext): Span[] {
  const cached = sharedCache.get(ctx.model);
  if (cached) return cached;
  const out: Span[] = [];
  const text = ctx.model.text;
  // only files with both an anchor and an alias need the second parse
  if (/(^|[\s[{,:-])&[^\s,[\]{}]/m.test(text) && /(^|[\s[{,:-])\*[^\s,[\]{}]/m.test(text)) {
    for (const doc of withoutStacks(() => parseAllDocuments(loneCrToLf(text), { strict: false, uniqueKeys: false }))) {
      if (!('contents' in doc)) continue;
      const anchors = new Map<string, Span>();
      const used = new Set<string>();
      visit(doc, (_key, node) => {
        const n = node as YNode & { anchor?: string; range?: [number, number, number] };
        if (isAlias(n)) used.add(n.source);
        else if (n && typeof n === 'object' && n.anchor && n.range) anchors.set(n.anchor, { start: n.range[0], end: n.range[2] });
      });
      for (const [name, r] of anchors) if (used.has(name)) out.push(r);
    }
  }
  sharedCache.set(ctx.model, out);
  return out;
}

/** The parent setting of a setting (one key up), in the same document. */
export function parentOf(doc: ValuesDoc, s: ChartSetting): ChartSetting | undefined {
  return doc.get(s.path.slice(0, -1).join('.'));
}

// ---------------------------------------------------------------- environment variables

export interface EnvVar {
  name: string;
  /** where to point: the variable's name */
  nameSpan: Span;
  /** a literal `value` (basic notation or `value:`) */
  value?: Value;
  /** `valueFrom` */
  valueFrom?: Value;
}

/** The variables of an `extraEnv` value: mapping (basic, explicit, implicit notation) or Kubernetes list form. */
export function envVars(v: Value | undefined): EnvVar[] {
  const out: EnvVar[] = [];
  if (!v) return out;
  if (v.kind === 'dict') {
    for (const e of entriesOf(v)) {
      if (e.value.kind === 'dict') {
        const n = field(e.value, 'name');
        const name = n?.value.kind === 'str' ? n.value.value : e.key.value;
        out.push({ name, nameSpan: e.key.span, value: field(e.value, 'value')?.value, valueFrom: field(e.value, 'valueFrom')?.value });
      } else {
        out.push({ name: e.key.value, nameSpan: e.key.span, value: e.value });
      }
    }
  } else {
    for (const item of itemsOf(v)) {
      const n = field(item, 'name');
      if (n?.value.kind !== 'str') continue;
      out.push({ name: n.value.value, nameSpan: n.value.span, value: field(item, 'value')?.value, valueFrom: field(item, 'valueFrom')?.value });
    }
  }
  return out;
}

const SECRET_WORD = /(^|[_.-])(SECRET|SECRETS|TOKEN|TOKENS|PASSWORD|PASSWD|PASSPHRASE|PASS|CREDENTIAL|CREDENTIALS|CREDS|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SECRET_?KEY|AUTH_?KEY|CRYPT_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|CLIENT_?SECRET|PWD)([_.-]|$)/i;
const NOT_SECRET_SUFFIX = /([_.-])(URL|URI|URLS|ENDPOINT|HOST|HOSTNAME|PORT|PATH|FILE|DIR|NAME|ID|TYPE|METHOD|HEADER|EXPIRY|EXPIRES|EXPIRE|TTL|LENGTH|SCOPE|SCOPES|ISSUER|AUDIENCE|USER|USERNAME|REGION|ENABLED|TIMEOUT|LIFETIME|POLICY|FORMAT|PREFIX)$/i;

/** An environment variable name that says it holds a secret (TOKEN, SECRET, PASSWORD, API_KEY, ...). */
/** A name that ends in a bare KEY (GOOGLE_SHEETS_READONLY_KEY, STRIPE_KEY): a key, unless it is one of the kinds that are public */
const KEY_SUFFIX = /(^|[_.-])KEY$/i;
const PUBLIC_KEY = /(^|[_.-])(PUBLIC|PUB|SORT|CACHE|PRIMARY|PARTITION|FOREIGN|LOOKUP|ROUTING|GROUP|IDEMPOTENCY|HOT|MAP|DICT|INDEX|SSH_HOST)[_.-]?KEY$/i;

export function isSecretName(name: string): boolean {
  if (name.toUpperCase() === 'PWD') return false; // the shell's working directory
  if (KEY_SUFFIX.test(name) && !PUBLIC_KEY.test(name)) return true;
  return SECRET_WORD.test(name) && !NOT_SECRET_SUFFIX.test(name);
}

/** A literal env value that could be a secret (not a flag word, not a template, not a placeholder). */
export function secretLiteral(v: Value | undefined): string | undefined {
  const s = literalText(v);
  if (s === undefined) return undefined;
  const t = s.trim();
  if (/^(true|false|yes|no|on|off|none|null|0|1|-)$/i.test(t)) return undefined;
  // Kubernetes $(VAR) expansion or KubeSpawner {username} templates only
  if (/^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\{[a-z_]+\})+$/.test(t)) return undefined;
  return s;
}

/** A `valueFrom.secretKeyRef` of an env var: the Secret's name and key. */
export function secretKeyRef(valueFrom: Value | undefined): { name?: string; key?: string; span: Span } | undefined {
  const ref = field(valueFrom, 'secretKeyRef');
  if (!ref) return undefined;
  return { name: strOf(fieldValue(ref.value, 'name')), key: strOf(fieldValue(ref.value, 'key')), span: ref.key.span };
}

/** Keys of the chart's own hub Secret (generated secrets and copies of the values). */
export function isHubSecretKey(key: string | undefined): boolean {
  return !!key && (/^hub\.(config\.|db\.password$|services\.)/.test(key) || key === 'values.yaml');
}

// ---------------------------------------------------------------- profiles

/** A KubeSpawner override mapping in singleuser.profileList (profiles and profile options' choices). */
export interface Override {
  /** the override mapping */
  value: Value;
  /** "profile 'GPU'" / "profile 'GPU', option image, choice 'latest'" */
  where: string;
}

const overrideCache = new WeakMap<ValuesDoc, Override[]>();
const fragmentCache = new WeakMap<ValuesDoc, Fragment[]>();

export function profileOverrides(doc: ValuesDoc): Override[] {
  const cached = overrideCache.get(doc);
  if (cached) return cached;
  const out: Override[] = [];
  overrideCache.set(doc, out);
  for (const s of doc.all('singleuser.profileList')) {
    for (const p of itemsOf(s.value)) {
      const name = strOf(fieldValue(p, 'display_name')) ?? strOf(fieldValue(p, 'slug')) ?? '?';
      const o = fieldValue(p, 'kubespawner_override');
      if (o?.kind === 'dict') out.push({ value: o, where: `profile "${name}"` });
      for (const opt of entriesOf(fieldValue(p, 'profile_options'))) {
        for (const ch of entriesOf(fieldValue(opt.value, 'choices'))) {
          const co = fieldValue(ch.value, 'kubespawner_override');
          if (co?.kind === 'dict') out.push({ value: co, where: `profile "${name}", option ${opt.key.value}, choice ${ch.key.value}` });
        }
        const un = fieldValue(opt.value, 'unlisted_choice', 'kubespawner_override');
        if (un?.kind === 'dict') out.push({ value: un, where: `profile "${name}", option ${opt.key.value}, unlisted choice` });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- pod fragments

/** Where a raw Kubernetes fragment sits and what kind of workload it shapes. */
export interface Fragment {
  value: Value;
  /** "singleuser.extraPodConfig", "hub.extraContainers", ... */
  where: string;
  /** user pods run users' code; core pods run the chart's components */
  pod: 'user' | 'core';
  kind: 'pod' | 'containers' | 'initContainers' | 'volumes' | 'securityContext' | 'podSecurityContext';
}

const CORE_PREFIXES = ['hub', 'proxy.chp', 'proxy.traefik', 'proxy.secretSync', 'scheduling.userScheduler', 'scheduling.userPlaceholder', 'prePuller.hook', 'prePuller'];

/** Every raw pod/container fragment the values pass to Kubernetes (user pods, profiles and the chart's own pods). */
export function fragments(doc: ValuesDoc): Fragment[] {
  const cached = fragmentCache.get(doc);
  if (cached) return cached;
  const out: Fragment[] = [];
  fragmentCache.set(doc, out);
  const add = (dotted: string, pod: Fragment['pod'], kind: Fragment['kind']) => {
    for (const s of doc.all(dotted)) out.push({ value: s.value, where: dotted, pod, kind });
  };
  add('singleuser.extraPodConfig', 'user', 'pod');
  add('singleuser.extraContainers', 'user', 'containers');
  add('singleuser.initContainers', 'user', 'initContainers');
  add('singleuser.storage.extraVolumes', 'user', 'volumes');
  for (const p of CORE_PREFIXES) {
    add(`${p}.extraPodSpec`, 'core', 'pod');
    add(`${p}.extraContainers`, 'core', 'containers');
    add(`${p}.initContainers`, 'core', 'initContainers');
    add(`${p}.extraInitContainers`, 'core', 'initContainers');
    add(`${p}.extraVolumes`, 'core', 'volumes');
    add(`${p}.containerSecurityContext`, 'core', 'securityContext');
    add(`${p}.podSecurityContext`, 'core', 'podSecurityContext');
  }
  for (const o of profileOverrides(doc)) {
    const f = (k: string, kind: Fragment['kind']) => {
      const v = fieldValue(o.value, k);
      if (v) out.push({ value: v, where: `singleuser.profileList (${o.where}) ${k}`, pod: 'user', kind });
    };
    f('extra_pod_config', 'pod');
    f('extra_containers', 'containers');
    f('init_containers', 'initContainers');
    f('volumes', 'volumes');
    f('container_security_context', 'securityContext');
    f('pod_security_context', 'podSecurityContext');
    f('extra_container_config', 'securityContext');
  }
  return out;
}

/** The containers of a fragment with the security context each one carries. */
export function containersOf(f: Fragment): { name: string; securityContext?: Value; init: boolean }[] {
  const named = (c: Value, i: number) => strOf(fieldValue(c, 'name')) ?? `#${i + 1}`;
  if (f.kind === 'containers' || f.kind === 'initContainers') {
    return listOrMapItems(f.value).map((c, i) => ({ name: named(c, i), securityContext: fieldValue(c, 'securityContext'), init: f.kind === 'initContainers' }));
  }
  if (f.kind === 'securityContext') {
    // extra_container_config is a container spec; container_security_context / containerSecurityContext is the context itself
    const sc = f.where.endsWith('extra_container_config') ? fieldValue(f.value, 'securityContext') : f.value;
    return [{ name: 'main', securityContext: sc, init: false }];
  }
  if (f.kind === 'pod') {
    return [
      ...itemsOf(fieldValue(f.value, 'containers')).map((c, i) => ({ name: named(c, i), securityContext: fieldValue(c, 'securityContext'), init: false })),
      ...itemsOf(fieldValue(f.value, 'initContainers')).map((c, i) => ({ name: named(c, i), securityContext: fieldValue(c, 'securityContext'), init: true })),
    ];
  }
  return [];
}

/** The volumes of a fragment. */
export function volumesOf(f: Fragment): Value[] {
  if (f.kind === 'volumes') return listOrMapItems(f.value);
  if (f.kind === 'pod') return itemsOf(fieldValue(f.value, 'volumes'));
  return [];
}


// ---------------------------------------------------------------- network policy egress

/** An IPv4 CIDR as [first, last] address numbers; IPv6 "::/0" as everything. */
export function parseCidr(c: string): { lo: number; hi: number; v6: boolean } | undefined {
  const t = c.trim();
  if (t === '::/0') return { lo: 0, hi: 2 ** 32 - 1, v6: true };
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const addr = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
  const size = 2 ** (32 - bits);
  const lo = Math.floor(addr / size) * size;
  return { lo, hi: lo + size - 1, v6: false };
}

function contains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return !!a && !!b && a.lo <= b.lo && b.hi <= a.hi;
}

export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** One egress rule of a NetworkPolicy and what it opens. */
export interface EgressHole {
  /** where to report */
  span: Span;
  /** no `to`: every destination (on the listed ports) */
  everywhere: boolean;
  /** the sensitive ranges (private networks, the metadata server) the rule opens entirely */
  opens: string[];
}

/** What the custom egress rules of a network policy open: private ranges and the metadata IP, wholly. */
export function egressHoles(egress: Value | undefined, metadataIp: string): EgressHole[] {
  const out: EgressHole[] = [];
  const sensitive = [...PRIVATE_RANGES, `${metadataIp}/32`];
  for (const rule of itemsOf(egress)) {
    const to = field(rule, 'to');
    if (!to || (to.value.kind === 'list' && to.value.items.length === 0) || to.value.kind === 'none') {
      out.push({ span: firstKeySpan(rule), everywhere: true, opens: sensitive });
      continue;
    }
    for (const peer of itemsOf(to.value)) {
      const block = fieldValue(peer, 'ipBlock');
      const cidrV = fieldValue(block, 'cidr');
      const cidr = strOf(cidrV);
      if (!cidr || !cidrV) continue;
      const except = itemsOf(fieldValue(block, 'except')).map(strOf).filter((x): x is string => !!x);
      const opens = sensitive.filter((t) => (cidr.trim() === '::/0' ? false : contains(cidr, t)) && !except.some((e) => contains(e, t)));
      if (cidr.trim() === '0.0.0.0/0' || cidr.trim() === '::/0' || opens.length) out.push({ span: cidrV.span, everywhere: cidr.trim() === '0.0.0.0/0' && opens.length === sensitive.length, opens });
    }
  }
  return out;
}
