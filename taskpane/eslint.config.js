// ESLint flat config: the recommended rules plus a few that keep the taskpane's code honest.
import js from "@eslint/js";

const browser = {
  window: "readonly", document: "readonly", navigator: "readonly", fetch: "readonly", URL: "readonly",
  URLSearchParams: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly",
  clearInterval: "readonly", atob: "readonly", TextDecoder: "readonly", Node: "readonly", Intl: "readonly",
  crypto: "readonly", console: "readonly", Office: "readonly", Storage: "readonly", performance: "readonly",
};
const node = { process: "readonly", console: "readonly", URL: "readonly", crypto: "readonly", globalThis: "readonly" };

export default [
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: browser },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Email text must never become markup: use dom.js h()." },
        { object: "localStorage", message: "Nothing secret in localStorage: use sessionStorage." },
      ],
      "no-restricted-globals": ["error", { name: "localStorage", message: "Use sessionStorage." }],
      "max-lines": ["error", { max: 400 }],
    },
  },
  {
    files: ["test/**/*.js", "build.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: node },
  },
];
