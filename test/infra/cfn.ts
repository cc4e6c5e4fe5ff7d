import type { Template } from 'aws-cdk-lib/assertions';

/** The parts of a synthesized CloudFormation resource the infra tests read. */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  const found = template.findResources(type) as Record<
    string,
    Omit<CfnResource, 'Properties'> & { Properties?: object }
  >;
  return Object.fromEntries(
    Object.entries(found).map(([id, resource]) => [
      id,
      { ...resource, Properties: (resource.Properties ?? {}) as Record<string, unknown> },
    ]),
  );
}

/** The logical id of the one resource of `type` whose `property` equals `value`. */
export function logicalIdOf(template: Template, type: string, property: string, value: unknown): string {
  const matches = Object.entries(resourcesOfType(template, type)).filter(
    ([, resource]) => JSON.stringify(resource.Properties[property]) === JSON.stringify(value),
  );
  if (matches.length !== 1) {
    throw new Error(
      `expected one ${type} with ${property}=${JSON.stringify(value)}, found ${matches.length}`,
    );
  }
  return (matches[0] as [string, CfnResource])[0];
}

/** Logical ids a value points at through Ref or Fn::GetAtt (pseudo parameters left out). */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) ids.add(record.Ref);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.add(getAtt[0]);
    for (const child of Object.values(record)) walk(child);
  };
  walk(value);
  return ids;
}

/** Every literal string inside a value (to spot wildcards in resource ARNs). */
export function literalStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(literalStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(literalStrings);
  return [];
}

export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourceList(statement: PolicyStatement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The identity-policy statements of a Lambda function's execution role, and the role itself. */
export function roleOfFunction(
  template: Template,
  functionId: string,
): { roleId: string; role: CfnResource; statements: PolicyStatement[] } {
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionId];
  if (!fn) throw new Error(`no function ${functionId}`);
  const [roleId] = [...referencedIds(fn.Properties.Role)];
  const role = roleId ? resourcesOfType(template, 'AWS::IAM::Role')[roleId] : undefined;
  if (!roleId || !role) throw new Error(`no role for ${functionId}`);
  const inline = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  const attached = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((policy) =>
    referencedIds(policy.Properties.Roles).has(roleId),
  );
  const statements = [
    ...inline.flatMap((policy) => policy.PolicyDocument.Statement),
    ...attached.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    ),
  ];
  return { roleId, role, statements };
}

export function environmentOf(template: Template, functionId: string): Record<string, unknown> {
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionId];
  const environment = fn?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}
