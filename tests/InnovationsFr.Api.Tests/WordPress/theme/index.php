<?php
/**
 * Lists the main query's posts in order (the plugin's end-to-end test reads it).
 *
 * @package InnovationsFr_Test_Theme
 */
?><!doctype html>
<html <?php language_attributes(); ?>><head><meta charset="utf-8"><title><?php echo esc_html( wp_get_document_title() ); ?></title></head>
<body>
<main data-found="<?php echo (int) $GLOBALS['wp_query']->found_posts; ?>" data-engine="<?php echo $GLOBALS['wp_query']->get( 'innovationsfr_search' ) ? 'innovationsfr' : 'wordpress'; ?>">
<?php while ( have_posts() ) : the_post(); ?>
<article class="result" data-id="<?php the_ID(); ?>"><h2><?php the_title(); ?></h2></article>
<?php endwhile; ?>
</main>
</body></html>
