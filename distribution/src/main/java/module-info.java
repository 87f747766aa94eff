/**
 * The installable image of spa ({@code target/spa}: bin, lib, plugins, conf), assembled by Maven; spa-assemble,
 * which makes smaller images from an installed one; and the integration tests that run that image against fwknop. The tests see only spa.core from the build; every other
 * spa module they use comes from the image.
 */
module spa.distribution {
  requires spa.core;
}
