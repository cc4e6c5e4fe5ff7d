import { expect, it } from 'vitest';
import { failedIds, SnsClient } from '#shared/aws/sns.js';
import type { AwsAnswer } from '#shared/aws-request.js';
import { recordedAws } from '#test/support/recorded-aws.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:iot-dev-events';

function client(answers: AwsAnswer[]) {
  const { options, sent } = recordedAws(() => answers.shift() ?? { status: 200, text: '<PublishResponse/>' });
  const sns = new SnsClient(options);
  return { sns, sent, form: (i: number) => Object.fromEntries(new URLSearchParams(sent[i]?.body ?? '')) };
}

it("publishes in SNS's query protocol, the attributes flattened, signed for sns", async () => {
  const { sns, sent, form } = client([]);
  await sns.publish(TOPIC, {
    Message: '{"type":"SIM_ACTIVATED","x":"a&b=c"}',
    MessageAttributes: { type: { DataType: 'String', StringValue: 'SIM_ACTIVATED' } },
  });
  expect(sent[0]?.url.href).toBe('https://sns.eu-west-1.amazonaws.com/');
  expect(sent[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(sent[0]?.headers.authorization).toMatch(/\/eu-west-1\/sns\/aws4_request, /);
  expect(form(0)).toEqual({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: TOPIC,
    Message: '{"type":"SIM_ACTIVATED","x":"a&b=c"}',
    'MessageAttributes.entry.1.Name': 'type',
    'MessageAttributes.entry.1.Value.DataType': 'String',
    'MessageAttributes.entry.1.Value.StringValue': 'SIM_ACTIVATED',
  });
});

it("numbers a batch's entries from 1 and returns the ids SNS did not take", async () => {
  const answer = `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>
    <Successful><member><Id>0</Id><MessageId>m-0</MessageId></member></Successful>
    <Failed><member><Id>1</Id><Code>InternalError</Code><SenderFault>false</SenderFault></member>
    <member><Id>2</Id><Code>InternalError</Code><SenderFault>false</SenderFault></member></Failed>
  </PublishBatchResult></PublishBatchResponse>`;
  const { sns, form } = client([{ status: 200, text: answer }]);
  const failed = await sns.publishBatch(TOPIC, [
    { Id: '0', Message: 'a' },
    { Id: '1', Message: 'b', MessageAttributes: { type: { DataType: 'String', StringValue: 'T' } } },
    { Id: '2', Message: 'c' },
  ]);
  expect(failed).toEqual(['1', '2']);
  expect(form(0)).toMatchObject({
    Action: 'PublishBatch',
    'PublishBatchRequestEntries.member.1.Id': '0',
    'PublishBatchRequestEntries.member.2.Message': 'b',
    'PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue': 'T',
    'PublishBatchRequestEntries.member.3.Id': '2',
  });
});

it('reads no failed ids from an answer without failures', () => {
  expect(
    failedIds(
      '<PublishBatchResult><Successful><member><Id>0</Id></member></Successful><Failed/></PublishBatchResult>',
    ),
  ).toEqual([]);
});

it('names an error answer by its XML code', async () => {
  const { sns } = client([
    {
      status: 404,
      text: '<ErrorResponse><Error><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>',
    },
  ]);
  await expect(sns.publish(TOPIC, { Message: 'a' })).rejects.toMatchObject({ name: 'NotFound', status: 404 });
});
