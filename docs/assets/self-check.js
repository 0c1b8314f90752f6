/* 自查清单：勾选保存在读者自己的浏览器中（localStorage，按页面分别保存），显示已勾选的数目，
   并提供“清除勾选”按钮。离线包从 file:// 打开时同样可用。
   Self-check: ticks are kept in the reader's browser (localStorage, one entry per page),
   with a count and a reset button; works from the offline bundle opened via file://.

   Only checkboxes that the build wrote inside a .kb-self-check block are touched. The page's
   text is never read as HTML: the script creates its own elements and sets textContent. */
(function () {
  "use strict";
  var KEY_PREFIX = "kb-self-check:";

  function storage() {
    // A browser that refuses storage (private mode, file:// in some browsers) still lets the
    // reader tick; the ticks just last until the page is left.
    try {
      var probe = KEY_PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function setUp(blocks, store) {
    // Every box the build wrote on this page, in every self-check block of it.
    var boxes = [];
    blocks.forEach(function (block) {
      Array.prototype.forEach.call(block.querySelectorAll('input[type="checkbox"]'), function (box) {
        if (/^kb-check-/.test(box.id)) boxes.push(box);
      });
    });
    if (!boxes.length) return;
    var block = blocks[0];
    // One entry per page (its path): a page never reads another page's ticks.
    var key = KEY_PREFIX + window.location.pathname;
    var saved = {};
    if (store) {
      try { saved = JSON.parse(store.getItem(key) || "{}") || {}; } catch (error) { saved = {}; }
    }

    var bar = document.createElement("div");
    bar.className = "kb-check-bar";
    var count = document.createElement("span");
    count.className = "kb-check-count";
    count.setAttribute("role", "status");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button kb-check-reset";
    reset.textContent = "清除勾选";
    var note = document.createElement("span");
    note.className = "kb-check-note";
    note.textContent = store ? "勾选保存在本机浏览器中，刷新后仍在。" : "此浏览器不允许保存，离开页面后勾选不再保留。";
    bar.appendChild(count);
    bar.appendChild(reset);
    bar.appendChild(note);
    block.insertBefore(bar, block.firstChild);

    function save() {
      var ticked = {};
      var number = 0;
      boxes.forEach(function (box) {
        if (box.checked) { ticked[box.id] = 1; number += 1; }
      });
      count.textContent = "已勾选 " + number + " / " + boxes.length;
      if (!store) return;
      try {
        if (number) store.setItem(key, JSON.stringify(ticked));
        else store.removeItem(key);
      } catch (error) { /* storage full: the ticks stay on the page */ }
    }

    boxes.forEach(function (box) {
      box.disabled = false;
      box.checked = saved[box.id] === 1;
      box.addEventListener("change", save);
    });
    reset.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      save();
      if (boxes[0]) boxes[0].focus();
    });
    save();
  }

  function start() {
    var blocks = Array.prototype.slice.call(document.querySelectorAll(".kb-self-check"));
    if (blocks.length) setUp(blocks, storage());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
