// Sign up and log in. A successful sign-up logs the new user straight in.

import { api, describeError, fieldMessages, session } from "./api.js";
import { byId, say } from "./dom.js";

const SIGNUP_FIELDS = ["username", "email", "password"];

async function obtainTokens(username, password) {
  const result = await api("/api/token", { method: "POST", auth: false, body: { username, password } });
  if (result.ok) session.save({ username, access: result.data.access, refresh: result.data.refresh });
  return result;
}

function busy(form, value) {
  form.querySelector("button[type=submit]").disabled = value;
  form.setAttribute("aria-busy", String(value));
}

export function setupAuth({ onLoggedIn }) {
  const loginForm = byId("login-form");
  const signupForm = byId("signup-form");
  const loginError = byId("login-error");
  const signupError = byId("signup-error");

  loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = byId("login-username").value.trim();
    const password = byId("login-password").value;
    if (!username || !password) {
      say(loginError, "Enter your username and password.");
      byId(username ? "login-password" : "login-username").focus();
      return;
    }
    busy(loginForm, true);
    const result = await obtainTokens(username, password);
    busy(loginForm, false);
    if (!result.ok) {
      say(loginError, describeError(result));
      byId("login-password").select();
      return;
    }
    say(loginError, "");
    byId("login-password").value = "";
    onLoggedIn();
  });

  signupForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(SIGNUP_FIELDS.map((name) => [name, byId(`signup-${name}`).value]));
    values.username = values.username.trim();
    values.email = values.email.trim();
    for (const name of SIGNUP_FIELDS) showFieldError(name, "");
    say(signupError, "");
    busy(signupForm, true);
    const result = await api("/api/signup", { method: "POST", auth: false, body: values });
    if (!result.ok) {
      busy(signupForm, false);
      showSignupErrors(result);
      return;
    }
    const login = await obtainTokens(values.username, values.password);
    busy(signupForm, false);
    if (!login.ok) {
      say(signupError, `Account created, but logging in failed: ${describeError(login)}`);
      return;
    }
    signupForm.reset();
    onLoggedIn();
  });

  byId("to-signup").addEventListener("click", (event) => {
    event.preventDefault();
    signupForm.scrollIntoView({ behavior: "smooth", block: "start" });
    byId("signup-username").focus({ preventScroll: true });
  });

  function showFieldError(name, message) {
    const input = byId(`signup-${name}`);
    say(byId(`signup-${name}-error`), message);
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  // Errors go next to the field they concern; the first such field gets the focus.
  function showSignupErrors(result) {
    const fields = fieldMessages(result.data).filter(([name]) => SIGNUP_FIELDS.includes(name));
    if (result.status !== 400 || !fields.length) {
      say(signupError, describeError(result));
      return;
    }
    for (const [name, message] of fields) showFieldError(name, message);
    say(signupError, "Please fix the highlighted fields.");
    byId(`signup-${fields[0][0]}`).focus();
  }

  return {
    reset(username = "") {
      byId("login-username").value = username;
      byId("login-password").value = "";
      say(loginError, "");
    },
    focus() {
      const target = byId("login-username").value ? "login-password" : "login-username";
      byId(target).focus();
    },
  };
}
