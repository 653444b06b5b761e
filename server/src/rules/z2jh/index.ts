import type { Rule } from '../types';
import unknownKey from './unknownKey';
import wrongType from './wrongType';
import badEnum from './badEnum';
import removedKey from './removedKey';
import lowercaseConfigSection from './lowercaseConfigSection';
import { CHART_SECURITY_RULES } from './security';
import replacesChartRoles from './script/replacesChartRoles';
import replacesChartServices from './script/replacesChartServices';
import chartKeyOverridden from './script/chartKeyOverridden';

/** Zero to JupyterHub chart rules (values schema and the chart's own pitfalls), registered in ../index.ts. */
export const Z2JH_RULES: Rule[] = [unknownKey, wrongType, badEnum, removedKey, lowercaseConfigSection, replacesChartRoles, replacesChartServices, chartKeyOverridden, ...CHART_SECURITY_RULES];
