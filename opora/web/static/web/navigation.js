// The left navigation folds into a «Меню» button on a phone; without scripts it stays open.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".nav-toggle");
  const nav = document.getElementById("sidenav");
  if (!button || !nav) return;
  document.documentElement.classList.add("has-nav-toggle");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("sidenav-open", open);
  });
});
