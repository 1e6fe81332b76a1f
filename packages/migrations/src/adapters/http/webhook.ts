/** POST a JSON payload; the reason it failed, or undefined. A webhook that fails never fails the deploy. */
export async function postWebhook(url: string, payload: unknown, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok ? undefined : `the webhook answered HTTP ${response.status}`;
  } catch (error) {
    return `the webhook could not be reached (${(error as Error).message})`;
  }
}
