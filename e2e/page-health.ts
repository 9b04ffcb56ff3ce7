// Which failed responses say nothing about a site's health: a missing favicon is a 404 every browser asks for on
// its own, never a page or resource the app uses. Everything else at 400 or above is a problem.
export function ignorableFailure(status: number, url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  return status === 404 && /^\/favicon\.ico$/i.test(path);
}
