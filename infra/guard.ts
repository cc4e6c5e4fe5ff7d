import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  CfnResource,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReportBeta1,
  type PolicyViolationBeta1,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * AWS Control Tower's proactive controls (the Guard rules bundled with @cdklabs/cdk-validator-cfnguard) that
 * this stack does not meet somewhere, on purpose: Guard rule name → Control Tower control id. Each place that
 * does not meet one says why, in the template (`suppressGuard`); docs/deploy.md lists them.
 */
export const suppressibleGuardRules = {
  api_gw_v2_authorization_type_configured_check: 'CT.APIGATEWAY.PR.5',
  cloudwatch_log_group_retention_period_check: 'CT.CLOUDWATCH.PR.2',
  lambda_function_public_access_prohibited_check: 'CT.LAMBDA.PR.2',
  lambda_inside_vpc_check: 'CT.LAMBDA.PR.3',
  s3_bucket_default_encryption_kms_check: 'CT.S3.PR.10',
  s3_bucket_logging_enabled_check: 'CT.S3.PR.2',
  s3_bucket_object_lock_enabled_check: 'CT.S3.PR.9',
  s3_event_notifications_enabled_check: 'CT.S3.PR.4',
} as const;

export type GuardRule = keyof typeof suppressibleGuardRules;

/**
 * `Metadata.guard` of a resource: the Guard Rules Registry's `SuppressedRules`, and beside it `Reasons`, one line
 * per suppressed rule.
 */
export interface GuardMetadata {
  SuppressedRules: string[];
  Reasons: Record<string, string>;
}

const MIN_REASON_LENGTH = 20;

function asGuardMetadata(value: unknown): GuardMetadata {
  if (value === null || typeof value !== 'object') return { SuppressedRules: [], Reasons: {} };
  const { SuppressedRules: rules, Reasons: reasons } = value as Record<string, unknown>;
  return {
    SuppressedRules: Array.isArray(rules)
      ? rules.filter((rule): rule is string => typeof rule === 'string')
      : [],
    Reasons:
      reasons !== null && typeof reasons === 'object'
        ? Object.fromEntries(
            Object.entries(reasons).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string',
            ),
          )
        : {},
  };
}

/**
 * Records in the template that `scope`'s resource (the construct itself if it is one, else its default child)
 * does not meet these Guard rules, each with its reason. Adds to what the resource already suppresses.
 */
export function suppressGuard(scope: IConstruct, reasons: Partial<Record<GuardRule, string>>): void {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${scope.node.path} has no CloudFormation resource to suppress Guard rules on`);
  }
  const metadata = asGuardMetadata(resource.getMetadata('guard'));
  for (const [rule, reason] of Object.entries(reasons)) {
    if (reason === undefined || reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`${scope.node.path}: suppressing ${rule} needs a reason`);
    }
    if (!metadata.SuppressedRules.includes(rule)) metadata.SuppressedRules.push(rule);
    metadata.Reasons[rule] = reason;
  }
  resource.addMetadata('guard', metadata);
}

/** The `Metadata.guard` of each resource of a template, by logical id (resources without one left out). */
export function guardMetadataOf(template: unknown): Map<string, GuardMetadata> {
  const resources = (template as { Resources?: Record<string, { Metadata?: { guard?: unknown } }> })
    .Resources;
  const found = new Map<string, GuardMetadata>();
  for (const [logicalId, resource] of Object.entries(resources ?? {})) {
    if (resource.Metadata?.guard !== undefined)
      found.set(logicalId, asGuardMetadata(resource.Metadata.guard));
  }
  return found;
}

/**
 * The report without the violations on resources whose metadata suppresses that rule with a reason. A
 * suppression without a reason suppresses nothing.
 */
export function applyGuardSuppressions(
  report: PolicyValidationPluginReportBeta1,
  metadataOf: (templatePath: string) => ReadonlyMap<string, GuardMetadata>,
): PolicyValidationPluginReportBeta1 {
  const suppresses = (templatePath: string, logicalId: string, rule: string): boolean => {
    const metadata = metadataOf(templatePath).get(logicalId);
    return (
      metadata?.SuppressedRules.includes(rule) === true &&
      (metadata.Reasons[rule]?.trim().length ?? 0) >= MIN_REASON_LENGTH
    );
  };
  const violations: PolicyViolationBeta1[] = report.violations
    .map((violation) => ({
      ...violation,
      violatingResources: violation.violatingResources.filter(
        (resource) => !suppresses(resource.templatePath, resource.resourceLogicalId, violation.ruleName),
      ),
    }))
    .filter((violation) => violation.violatingResources.length > 0);
  return { ...report, violations, success: violations.length === 0 };
}

/** The Control Tower rules bundled with @cdklabs/cdk-validator-cfnguard, one `.guard` file per control. */
const CONTROL_TOWER_RULES = join(
  dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The Control Tower rule files that name one of these resource types. A rule names the types it selects, so
 * the others could only answer "not applicable"; running them would cost most of cfn-guard's time on this
 * stack's template and change no result.
 */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  return readdirSync(CONTROL_TOWER_RULES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .map((file) => join(CONTROL_TOWER_RULES, file))
    .filter((file) => {
      const named = readFileSync(file, 'utf8').match(RESOURCE_TYPE) ?? [];
      return named.length === 0 || named.some((type) => resourceTypes.has(type));
    })
    .sort();
}

/**
 * Control Tower's proactive controls as a CDK policy validation plugin (`Validations.of(app).addPlugins`, the
 * successor of `policyValidationBeta1`): cfn-guard with the bundled Control Tower rules, which do not read
 * Guard's suppression metadata themselves (cdklabs/cdk-validator-cfnguard#202), so this plugin drops the
 * violations a resource's `Metadata.guard` suppresses with a reason.
 */
export class ControlTowerGuard implements IPolicyValidationPlugin {
  readonly name = 'control-tower-guard';
  readonly version: string | undefined;
  readonly ruleIds: string[] | undefined;

  constructor() {
    const all = new CfnGuardValidator();
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReportBeta1 {
    const templates = new Map<string, { Resources?: Record<string, { Type?: unknown }> }>(
      context.templatePaths.map((path) => [path, JSON.parse(readFileSync(path, 'utf8'))]),
    );
    const types = new Set<string>();
    for (const template of templates.values()) {
      for (const resource of Object.values(template.Resources ?? {})) {
        if (typeof resource.Type === 'string') types.add(resource.Type);
      }
    }
    const rules = controlTowerRulesFor(types);
    if (rules.length === 0) return { success: true, violations: [] };
    const guard = new CfnGuardValidator({
      controlTowerRulesEnabled: false,
      rules,
      // cfn-guard's JSON report on this stack's templates outgrows Node's default 1 MB child-process buffer.
      maxBuffer: 64 * 1024 * 1024,
    });
    const metadata = new Map([...templates].map(([path, template]) => [path, guardMetadataOf(template)]));
    const metadataOf = (path: string) => {
      let found = metadata.get(path);
      if (!found) {
        // cfn-guard names the template as it was given; read it again should the path differ in form.
        found = guardMetadataOf(JSON.parse(readFileSync(path, 'utf8')));
        metadata.set(path, found);
      }
      return found;
    };
    return applyGuardSuppressions(guard.validate(context), metadataOf);
  }
}
