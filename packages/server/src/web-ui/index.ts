export { registerWebUi } from './web-ui.js';
