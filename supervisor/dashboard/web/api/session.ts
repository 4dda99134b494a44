// The signed-in key lives in sessionStorage: it survives a reload of the tab, not the tab itself,
// and is never put in a URL.
const STORAGE_KEY = 'routex.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
