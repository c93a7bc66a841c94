document.documentElement.classList.add('js')
//# sourceMappingURL=app.3f9c2b1e.js.map
