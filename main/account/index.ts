export { createAccountClient, type AccountClient, type AccountClientOptions } from './account-client';
export { createUsersApi, type UsersApi, type UsersApiOptions } from './users-api';
export { REQUIRED_SCOPE } from './provider-errors';
