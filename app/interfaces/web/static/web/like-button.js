// The like button as a Vue 3 component. The page renders a working <form> (POST, then redirect);
// when scripts run, this mounts the component over it, which posts with axios, asks for JSON and
// updates the count in place. No build step, and no template compiler: the page loads Vue's
// runtime-only build and the component renders with h(), because compiling a template at run
// time needs eval, which μblog's Content-Security-Policy forbids (docs/security.md).
(function () {
  "use strict";

  const LikeButton = {
    props: {
      likeUrl: { type: String, required: true },
      unlikeUrl: { type: String, required: true },
      loginUrl: { type: String, required: true },
      csrfToken: { type: String, required: true },
      initialCount: { type: Number, required: true },
      initialLiked: { type: Boolean, required: true },
    },
    data() {
      return { count: this.initialCount, liked: this.initialLiked, busy: false, error: "" };
    },
    methods: {
      async toggle() {
        this.busy = true;
        this.error = "";
        try {
          const response = await axios.post(this.liked ? this.unlikeUrl : this.likeUrl, null, {
            // Django's CSRF check reads this header; the token comes from the form it replaced.
            headers: {
              "X-CSRFToken": this.csrfToken,
              "X-Requested-With": "XMLHttpRequest",
              Accept: "application/json",
            },
          });
          this.count = response.data.like_count;
          this.liked = response.data.liked;
        } catch (error) {
          // Signed-in sessions are always active members, so a 403 means "log in first".
          if (error.response && error.response.status === 403) {
            window.location.assign(this.loginUrl);
            return;
          }
          this.error = "Could not reach μblog; try again.";
        } finally {
          this.busy = false;
        }
      },
    },
    render() {
      const h = Vue.h;
      return [
        h(
          "button",
          {
            type: "button",
            class: ["btn", "btn-sm", this.liked ? "btn-danger" : "btn-outline-danger"],
            "aria-pressed": this.liked ? "true" : "false",
            disabled: this.busy,
            onClick: this.toggle,
          },
          [h("span", { "aria-hidden": "true" }, "♥"), this.liked ? " Liked" : " Like"],
        ),
        h("span", { class: "ms-2 small text-body-secondary", "aria-live": "polite" }, [
          h("span", { class: "like-count" }, String(this.count)),
          this.count === 1 ? " like" : " likes",
        ]),
        this.error ? h("span", { class: "ms-2 small text-danger", role: "alert" }, this.error) : null,
      ];
    },
  };

  function enhance(element) {
    const data = element.dataset;
    const props = {
      likeUrl: data.likeUrl,
      unlikeUrl: data.unlikeUrl,
      loginUrl: data.loginUrl,
      csrfToken: element.querySelector("input[name=csrfmiddlewaretoken]").value,
      initialCount: Number(data.likeCount),
      initialLiked: data.liked === "true",
    };
    Vue.createApp(LikeButton, props).mount(element);
    element.dataset.enhanced = "vue";
  }

  // Buttons are enhanced as they near the screen (within a screen's height): mounting a whole page
  // of them at load is main-thread work that delays the page's first answer to input
  // (Lighthouse's "Total Blocking Time"). Until then the plain forms work.
  const observer = new IntersectionObserver(
    (entries) => {
      entries.forEach((entry) => {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          enhance(entry.target);
        }
      });
    },
    { rootMargin: "100% 0px" },
  );
  document.querySelectorAll(".like-button[data-like-url]").forEach((element) => {
    observer.observe(element);
  });
})();
