import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Aspects, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerGuard } from '#infra/guard.js';
import { BackendStack } from '#infra/stack.js';
import { type ContextOverrides, loadStageConfig, type StageName, stackName } from '#infra/stages.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The feature flags and context of cdk.json, so tests synthesize what `cdk synth` does. */
const cdkJsonContext = (
  JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: object }
).context;

export interface Synthesized {
  stack: BackendStack;
  template: Template;
  /** Removes the synthesized assembly from the temporary directory. */
  dispose: () => void;
}

/**
 * Synthesizes one stage as `cdk synth -c stage=<stage>` would, minus bundling and credentials. The
 * handlers' entries must exist (NodejsFunction checks them even when bundling is skipped).
 */
export function synthStage(
  stage: StageName,
  options: {
    nag?: boolean;
    /** Control Tower's proactive controls (cfn-guard) as `cdk synth` runs them: synthesis throws on a violation. */
    guard?: boolean;
    overrides?: ContextOverrides;
    /** CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION as the CLI sets them; none by default (tokens). */
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  const app = new App({ outdir, context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new BackendStack(app, stackName(stage), {
    stage: loadStageConfig(stage, options.overrides, options.env ?? {}),
  });
  if (options.nag) Aspects.of(stack).add(new AwsSolutionsChecks());
  if (options.guard) Validations.of(app).addPlugins(new ControlTowerGuard());
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    return { stack, template: Template.fromStack(stack), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
