/** Form fields arrive as strings; convert them explicitly ("false" must not become true). */
export function formString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

export function formBoolean(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  return value === 'on' || value === 'true' || value === '1';
}
