// The taskpane's calls to our API: JSON in and out, a bearer token from auth.js on each call,
// one retry with a freshly acquired token after a 401, problem details on failure.

/** A failed API call; `problem` is the RFC 9457 problem-details body. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function networkProblem(error) {
  return {
    type: "about:blank",
    title: "Network error",
    status: 0,
    detail: "The server could not be reached. Check your connection and try again.",
    cause: String(error?.message ?? error),
  };
}

/**
 * @param {{getToken: (options?: {forceRefresh?: boolean}) => Promise<string>}} auth
 */
export function createApi(auth) {
  async function send(method, path, body, rejected, extraHeaders) {
    const token = await auth.getToken({ forceRefresh: rejected !== null, rejected });
    const headers = {
      Accept: "application/json, application/problem+json",
      Authorization: `Bearer ${token}`,
      ...extraHeaders,
    };
    const init = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      return { response: await fetch(path, init), token };
    } catch (error) {
      throw new ApiError(0, networkProblem(error));
    }
  }

  async function exchange(method, path, body, headers) {
    let { response, token } = await send(method, path, body, null, headers);
    if (response.status === 401) {
      // Expired or revoked since we got it: sign in again (silently if possible), once.
      ({ response } = await send(method, path, body, token, headers));
    }
    return response;
  }

  async function content(response) {
    const content = await readBody(response);
    if (!response.ok) {
      const problem =
        content && typeof content === "object"
          ? content
          : { type: "about:blank", title: response.statusText, status: response.status, detail: content ?? "" };
      throw new ApiError(response.status, problem);
    }
    return content;
  }

  async function request(method, path, body, headers = {}) {
    return content(await exchange(method, path, body, headers));
  }

  /** GET with the ETag of the last answer: `{changed: false}` on 304 (poller.js). */
  async function getIfChanged(path, etag) {
    const response = await exchange("GET", path, undefined, etag ? { "If-None-Match": etag } : {});
    if (response.status === 304) return { changed: false };
    return { changed: true, etag: response.headers.get("ETag"), body: await content(response) };
  }

  return {
    get: (path) => request("GET", path),
    getIfChanged,
    post: (path, body, headers) => request("POST", path, body, headers),
  };
}
