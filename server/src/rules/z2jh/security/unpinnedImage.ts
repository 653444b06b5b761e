import { defineRule } from '../../types';
import type { Value } from '../../../model/types';
import { isPlaceholder } from '../../security/util';
import { DOCS, entriesOf, fieldValue, fragments, isNone, itemsOf, listOrMapItems, profileOverrides, strOf, valuesDocs } from './common';

/** Image settings of the chart: {name, tag} mappings. */
const IMAGE_PATHS = [
  'singleuser.image', 'hub.image', 'proxy.chp.image', 'proxy.traefik.image', 'proxy.secretSync.image',
  'singleuser.networkTools.image', 'scheduling.userScheduler.image', 'scheduling.userPlaceholder.image',
  'prePuller.hook.image', 'prePuller.pause.image',
];
const MOVING = /^(latest|main|master|stable|edge|nightly|dev|develop)$/i;

/** An image reference "repo[:tag][@digest]": its tag, whether it has a digest. */
function splitRef(ref: string): { tag?: string; digest: boolean } {
  const digest = ref.includes('@');
  const last = ref.split('@')[0].split('/').pop() ?? '';
  const i = last.indexOf(':');
  return { tag: i >= 0 ? last.slice(i + 1) : undefined, digest };
}

/** What a `{name, tag}` image setting runs, for the message. */
function whatRuns(path: string): string {
  if (path.startsWith('singleuser.networkTools')) return "the init containers of users' pods";
  if (path.startsWith('singleuser.')) return "users' servers";
  if (path.startsWith('hub.')) return 'the hub';
  if (path.startsWith('proxy.')) return 'the proxy';
  if (path.startsWith('prePuller.extraImages')) return 'what the pre-puller pulls';
  return "the chart's pods";
}

export default defineRule({
  id: 'z2jh/unpinned-image',
  title: 'Image without a fixed version',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'A tag such as `latest` names whatever was pushed last. Each node pulls the image when it first needs it, so different users get different software, a rebuilt image changes every server without a review or a rollback path, and a compromised or broken push reaches every user at the next start. An image reference without a tag means `latest`. The chart pins its own images to tested versions; overriding them with a moving tag also loses that. Severity: warning for a moving tag or a reference without a tag, information when a `{name, tag}` mapping sets the name without a tag here (another values file may set it).',
  howToFix:
    'Use an immutable tag (a version or a build date / commit tag such as `2024.06.01` or `sha-1a2b3c4`), or pin by digest (`name@sha256:...`), and update it deliberately. With `singleuser.image.name` set, set `tag` as well: otherwise the chart\'s tag of its sample image is applied to your image.',
  docs: [DOCS.ref('singleuser.image'), DOCS.ref('prePuller.extraImages'), { title: 'Kubernetes: images and tags', url: 'https://kubernetes.io/docs/concepts/containers/images/#image-names' }],
  example: { bad: 'singleuser:\n  image:\n    name: quay.io/jupyter/scipy-notebook\n    tag: latest', good: 'singleuser:\n  image:\n    name: quay.io/jupyter/scipy-notebook\n    tag: "2025-06-02"' },
  check(ctx) {
    const moving = (tag: Value, where: string, runs: string) => {
      const t = tag.kind === 'str' ? tag.value.trim() : undefined;
      if (t && MOVING.test(t)) ctx.report({ span: tag.span, message: `${where} uses the moving tag "${t}": nodes may run different builds and every push changes ${runs} unreviewed. Pin a version or a digest` });
    };
    for (const d of valuesDocs(ctx)) {
      const mappings: { path: string; image: Value }[] = [];
      for (const p of IMAGE_PATHS) for (const s of d.all(p)) mappings.push({ path: p, image: s.value });
      for (const s of d.all('prePuller.extraImages')) for (const e of entriesOf(s.value)) mappings.push({ path: `prePuller.extraImages.${e.key.value}`, image: e.value });
      for (const { path, image } of mappings) {
        if (image.kind !== 'dict') continue;
        const name = fieldValue(image, 'name');
        const tag = fieldValue(image, 'tag');
        const nameStr = strOf(name);
        if (nameStr && nameStr.includes('@')) continue;
        if (tag) {
          if (!isNone(tag)) moving(tag, path, whatRuns(path));
          else if (name) ctx.report({ span: tag.span.end > tag.span.start ? tag.span : name.span, severity: 'information', message: `${path}.tag is empty: the image ${nameStr ?? ''} is pulled as latest. Pin a version` });
        } else if (nameStr && !nameStr.includes(':')) {
          ctx.report({ span: name!.span, severity: 'information', message: `${path}.name is set without a tag here: unless another values file sets ${path}.tag, the chart's own tag for its default image is applied to ${nameStr}. Set the tag next to the name` });
        }
      }
      // an anchored override repeated by aliases in several profiles is one place to fix: report it once
      const seen = new Set<string>();
      const refCheck = (img: Value | undefined, where: string, runs: string) => {
        const ref = strOf(img);
        // `{value}`: KubeSpawner puts the user's input of an unlisted choice there (security/unrestricted-images)
        if (!img || !ref || isPlaceholder(ref) || ref.includes('{value}')) return;
        const at = `${img.span.start}:${img.span.end}`;
        if (seen.has(at)) return;
        seen.add(at);
        const { tag, digest } = splitRef(ref.trim());
        if (digest) return;
        if (tag === undefined) ctx.report({ span: img.span, message: `${where} uses the image ${ref} without a tag, which means latest: every push changes ${runs}, unreviewed. Pin a version or a digest` });
        else moving({ kind: 'str', value: tag, span: img.span, plain: true }, `${where} (${ref})`, runs);
      };
      for (const o of profileOverrides(d)) refCheck(fieldValue(o.value, 'image'), o.where, "users' servers");
      for (const f of fragments(d)) {
        const list = f.kind === 'containers' || f.kind === 'initContainers' ? listOrMapItems(f.value) : f.kind === 'pod' ? [...itemsOf(fieldValue(f.value, 'containers')), ...itemsOf(fieldValue(f.value, 'initContainers'))] : [];
        const inits = new Set(f.kind === 'initContainers' ? list : f.kind === 'pod' ? itemsOf(fieldValue(f.value, 'initContainers')) : []);
        list.forEach((c, i) => {
          const isInit = inits.has(c);
          const runs = f.pod === 'user'
            ? isInit ? "what runs in users' pods before their servers start" : "what runs beside users' servers"
            : isInit ? 'what runs before the chart\'s pods start' : 'the chart\'s pods';
          refCheck(fieldValue(c, 'image'), `${f.where}: the ${isInit ? 'init container' : 'container'} ${strOf(fieldValue(c, 'name')) ?? `#${i + 1}`}`, runs);
        });
      }
    }
  },
});
