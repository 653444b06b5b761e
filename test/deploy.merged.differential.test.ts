import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseAllDocuments, stringify } from 'yaml';
import { mergeModels } from '../server/src/deploy/mergedModel';
import { mergeDeployment, toPlain } from '../server/src/deploy/helmMerge';
import { modelFromYaml } from '../server/src/model/fromYaml';
import { literalToJson } from '../server/src/model/types';

// What the rules see of a deployment (the merged model's chart settings) against the Helm port's
// merge of the same user files (`helm -f a -f b -f c` before the chart's defaults), on seeded random
// files of maps, lists, nulls and scalars under the chart's top-level keys.

type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['config', 'image', 'extraEnv', 'memory', 'limit', 'name', 'tag', 'enabled', 'hosts'];
function value(r: () => number, depth: number): Plain {
  const x = r();
  if (depth < 4 && x < 0.45) return tree(r, depth + 1);
  if (x < 0.55) return null;
  if (x < 0.65) return [Math.floor(r() * 100), 'item'];
  if (x < 0.75) return r() < 0.5;
  if (x < 0.85) return Math.floor(r() * 1000);
  return `word${Math.floor(r() * 50)}`;
}
function tree(r: () => number, depth: number): { [k: string]: Plain } {
  const out: { [k: string]: Plain } = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out[KEYS[Math.floor(r() * KEYS.length)]] = value(r, depth);
  return out;
}
function file(r: () => number): { [k: string]: Plain } {
  // a values root the model finds: hub, proxy or singleuser at the top
  const out: { [k: string]: Plain } = { hub: tree(r, 1) };
  if (r() < 0.6) out.singleuser = r() < 0.2 ? null : tree(r, 1);
  if (r() < 0.4) out.proxy = tree(r, 1);
  return out;
}

const sorted = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
};

test('differential: the merged model the rules read equals Helm\'s merge of the same files (1,500 seeded pairs and triples)', async () => {
  const r = rng(20261208);
  let compared = 0;
  for (let n = 0; n < 1500; n++) {
    const texts = Array.from({ length: 2 + Math.floor(r() * 2) }, () => stringify(file(r)));
    const parts = await Promise.all(texts.map(async (text, i) => ({ path: `/srv/d/f${i}.yaml`, text, model: await modelFromYaml(text) })));
    const mine: Record<string, unknown> = {};
    for (const s of mergeModels(parts).model.chart) if (s.path.length === 1) mine[s.path[0]] = literalToJson(s.value);
    const helm = mergeDeployment(
      texts.map((t, i) => ({ file: `f${i}.yaml`, docs: parseAllDocuments(t) as never })),
      { name: 'jupyterhub', values: {} },
    );
    assert.equal(helm.error, undefined);
    assert.deepEqual(sorted(mine), sorted(toPlain(helm.userValues)), `case ${n}:\n${texts.join('---\n')}`);
    compared++;
  }
  assert.equal(compared, 1500);
});
