// Posts the access token into the frame as soon as the page is read, so the token never travels in a URL.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("office_form");
  if (form) {
    form.submit();
  }
});
