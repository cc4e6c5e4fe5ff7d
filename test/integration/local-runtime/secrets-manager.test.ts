import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { startLocalSecretsManager } from '#local/secrets-manager.js';

/** The stand-in Secrets Manager (local/secrets-manager.ts), driven by the SDK's own client and by raw requests. */

const stand = await startLocalSecretsManager();
const client = new SecretsManagerClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: stand.url,
});
afterAll(async () => {
  client.destroy();
  await stand.stop();
});

async function raw(target: string | undefined, body: string) {
  const response = await fetch(stand.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target === undefined ? {} : { 'x-amz-target': target }),
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the stand-in Secrets Manager', () => {
  it('creates a secret, answers its value with the current label, and moves the labels on each put', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'app/one', SecretString: 'v1' }));
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:app\/one-[0-9a-f]{6}$/,
    );
    expect(created.Name).toBe('app/one');

    const first = await client.send(new GetSecretValueCommand({ SecretId: 'app/one' }));
    expect(first).toMatchObject({
      ARN: created.ARN,
      Name: 'app/one',
      VersionId: created.VersionId,
      SecretString: 'v1',
      VersionStages: ['AWSCURRENT'],
    });
    expect(first.CreatedDate).toBeInstanceOf(Date);

    const put = await client.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'v2' }));
    expect(put).toMatchObject({ ARN: created.ARN, Name: 'app/one', VersionStages: ['AWSCURRENT'] });
    expect((await client.send(new GetSecretValueCommand({ SecretId: created.ARN }))).SecretString).toBe('v2');
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'app/one', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'v1', VersionStages: ['AWSPREVIOUS'] });
    const byId = await client.send(
      new GetSecretValueCommand({ SecretId: 'app/one', VersionId: put.VersionId }),
    );
    expect(byId.SecretString).toBe('v2');
    expect(stand.calls('PutSecretValue')).toBe(1);
  });

  it('answers a put retried with its ClientRequestToken once, and refuses the token with another value', async () => {
    await client.send(new CreateSecretCommand({ Name: 'app/two', SecretString: 'v1' }));
    const token = '0123456789abcdef0123456789abcdef';
    const first = await client.send(
      new PutSecretValueCommand({ SecretId: 'app/two', SecretString: 'v2', ClientRequestToken: token }),
    );
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: 'app/two', SecretString: 'v2', ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(first.VersionId);
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: 'app/two', SecretString: 'v3', ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'app/two' }))).SecretString).toBe('v2');
  });

  it("answers Secrets Manager's errors, which the SDK turns into its exceptions", async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'app/none' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await client.send(new CreateSecretCommand({ Name: 'app/three' }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'app/three' }))).rejects.toThrow(
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
    await expect(client.send(new CreateSecretCommand({ Name: 'app/three' }))).rejects.toBeInstanceOf(
      ResourceExistsException,
    );
    await expect(client.send(new PutSecretValueCommand({ SecretId: 'app/three' }))).rejects.toThrow(
      'You must provide either SecretString or SecretBinary.',
    );
  });

  it('refuses what is not its protocol, naming fields and never values', async () => {
    expect(await raw('secretsmanager.DeleteSecret', '{}')).toEqual({
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      body: { __type: 'UnknownOperationException', message: 'Unknown operation secretsmanager.DeleteSecret' },
    });
    expect((await raw(undefined, '{}')).body.__type).toBe('UnknownOperationException');
    expect((await raw('secretsmanager.GetSecretValue', 'not json')).body.__type).toBe(
      'SerializationException',
    );
    const invalid = await raw(
      'secretsmanager.CreateSecret',
      JSON.stringify({ Name: '', SecretString: 42, Description: 'hush-value' }),
    );
    expect(invalid).toMatchObject({
      status: 400,
      body: { __type: 'InvalidParameterException', message: 'Invalid parameter: Name, SecretString' },
    });
    expect(JSON.stringify(invalid.body)).not.toContain('hush-value');
  });
});
