import type { TraitOp } from '../../model/types';
import type { Edit } from '../types';

/** Edits that rename `Class.trait` of an op to `newClass.newTrait` (either may stay the same). */
export function renameEdits(op: TraitOp, newClass: string, newTrait: string): Edit[] {
  const edits: Edit[] = [];
  if (newClass !== op.cls) edits.push({ span: op.clsSpan, newText: newClass });
  if (newTrait !== op.trait) edits.push({ span: op.traitSpan, newText: newTrait });
  return edits;
}

export function label(op: TraitOp): string {
  return `${op.cls}.${op.trait}`;
}

/** Where the config docs of a JupyterHub version live. */
export function hubDocsUrl(version: string, page: string): string {
  void version;
  return `https://jupyterhub.readthedocs.io/en/stable/${page}`;
}
