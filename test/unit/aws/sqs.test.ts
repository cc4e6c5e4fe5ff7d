import { expect, it } from 'vitest';
import { SendMessageBatchCommand, SendMessageCommand, SqsClient } from '#shared/aws/sqs.js';
import type { AwsAnswer } from '#shared/aws-request.js';
import { recordedAws } from '#test/support/recorded-aws.js';

function client(answers: AwsAnswer[]) {
  const { options, sent } = recordedAws(() => answers.shift() ?? { status: 200, text: '{}' });
  return { sqs: new SqsClient(options), sent };
}

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/iot-dev-plan';

it("sends to the queue URL's host in SQS's JSON protocol, signed for sqs", async () => {
  const { sqs, sent } = client([{ status: 200, text: '{"MessageId":"m-1","MD5OfMessageBody":"x"}' }]);
  const answer = await sqs.send(
    new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: '{"a":1}', DelaySeconds: 3 }),
  );
  expect(answer.MessageId).toBe('m-1');
  expect(sent[0]?.url.href).toBe('https://sqs.eu-west-1.amazonaws.com/');
  expect(sent[0]?.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
  expect(sent[0]?.headers.authorization).toMatch(/\/eu-west-1\/sqs\/aws4_request, /);
  expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
    QueueUrl: QUEUE,
    MessageBody: '{"a":1}',
    DelaySeconds: 3,
  });
});

it("answers a batch's successful and failed entries as SQS lists them", async () => {
  const { sqs } = client([
    {
      status: 200,
      text: JSON.stringify({
        Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: 'x' }],
        Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }],
      }),
    },
  ]);
  const answer = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/plan',
      Entries: [
        { Id: '0', MessageBody: 'a' },
        { Id: '1', MessageBody: 'b' },
      ],
    }),
  );
  expect(answer.Failed).toEqual([{ Id: '1', SenderFault: false, Code: 'InternalError' }]);
  expect(answer.Successful?.map((entry) => entry.Id)).toEqual(['0']);
});

it('names an error answer by its type and refuses a command without a queue URL', async () => {
  const { sqs } = client([
    { status: 400, text: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no such queue"}' },
  ]);
  await expect(sqs.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'a' }))).rejects.toMatchObject(
    {
      name: 'QueueDoesNotExist',
    },
  );
  await expect(sqs.send(new SendMessageCommand({ QueueUrl: undefined, MessageBody: 'a' }))).rejects.toThrow(
    'no QueueUrl',
  );
});
