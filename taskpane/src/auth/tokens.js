// Token state shared by the sign-in methods: {token, expiresAt, account, source}.

/** The (unverified) claims of a JWT: only read for its expiry and the account's name. */
export function jwtClaims(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function accountFromClaims(claims) {
  const username = claims.preferred_username || claims.upn || claims.unique_name || claims.email;
  return claims.name || username ? { name: claims.name ?? "", username: username ?? "" } : null;
}

export function fromToken(token, source, expiresAt = null) {
  const claims = jwtClaims(token);
  return {
    token,
    source,
    expiresAt: expiresAt ?? (claims.exp ? claims.exp * 1000 : Date.now()),
    account: accountFromClaims(claims),
  };
}
