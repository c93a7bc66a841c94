document.querySelector("h1").title = "uploaded by putplan";
