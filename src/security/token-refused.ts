/** Why a bearer token was refused: 401 when it is no valid credential, 403 when it is one that carries no role. */
export class TokenRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}
