import type { Rule } from '../types';
import unknownOverrideKey from './unknownOverrideKey';
import overrideTypeMismatch from './overrideTypeMismatch';
import deprecatedOverrideKey from './deprecatedOverrideKey';
import overrideNotApplied from './overrideNotApplied';

/** KubeSpawner profile overrides (Python profile_list, z2jh singleuser.profileList). */
export const KUBESPAWNER_RULES: Rule[] = [unknownOverrideKey, overrideTypeMismatch, deprecatedOverrideKey, overrideNotApplied];
