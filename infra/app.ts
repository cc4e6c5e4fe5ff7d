import { App, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerGuard } from './guard.js';
import { BackendStack } from './stack.js';
import { type ContextOverrides, loadStageConfig, stackName } from './stages.js';

const app = new App();

const contextString = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** `-c key=N` gives a string; a number from cdk.json's context is taken as it is. */
const contextNumber = (key: string): string | number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'number' ? value : contextString(key);
};

const overrides: ContextOverrides = {
  mvnoRef: contextString('mvnoRef'),
  transatelBaseUrl: contextString('transatelBaseUrl'),
  transatelMaxRps: contextNumber('transatelMaxRps'),
  alarmEmail: contextString('alarmEmail'),
  alarmTopicArn: contextString('alarmTopicArn'),
};
const stage = loadStageConfig(contextString('stage') ?? 'dev', overrides);

new BackendStack(app, stackName(stage.name), { stage });

Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
// AWS Control Tower's proactive controls, checked on the synthesized template; exceptions are in the template
// (Metadata.guard) with their reasons, and listed in docs/deploy.md.
Validations.of(app).addPlugins(new ControlTowerGuard());
