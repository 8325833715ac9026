export type { GatewayApp, GatewayAppOptions } from './gateway-app.js';
export { createGatewayApp } from './gateway-app.js';
