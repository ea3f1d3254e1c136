// What a topic name may be.

export const MAX_TOPIC_LENGTH = 256

export function checkTopic (topic: unknown): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new TypeError(`topic must be a string of 1 to ${MAX_TOPIC_LENGTH} characters, got ${typeof topic === 'string' ? JSON.stringify(topic) : typeof topic}`)
  }
}
