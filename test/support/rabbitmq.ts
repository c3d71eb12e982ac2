import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';

/** The RabbitMQ every machine here runs (the README's default AMQP_URL). */
export const LOCAL_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** A queue name no other test (or run) uses, so that tests sharing the broker never take each other's messages. */
export function uniqueQueueName(prefix: string): string {
  return `scheduler.test.${prefix}.${randomBytes(4).toString('hex')}`;
}

/** Deletes a broker-mode queue and its dead-letter queue (`<queue>.dead`), whether or not they exist. */
export async function deleteBrokerQueues(queue: string, url = LOCAL_AMQP_URL): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`${queue}.dead`);
  } finally {
    await connection.close();
  }
}
