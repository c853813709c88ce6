<?php
/**
 * Plugin Name:       InnovationsFr Search
 * Description:       Keeps the InnovationsFr Search index in step with the site (publish, edit, unpublish, trash, delete, tag and category edits), answers the site's search with it, and adds an « Étiquettes » tag cloud and an « À lire aussi » block.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            InnovationsFr Search
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       innovationsfr-search
 *
 * This program is free software; you can redistribute it and/or modify it under the terms of the
 * GNU General Public License as published by the Free Software Foundation; either version 2 of the
 * License, or (at your option) any later version.
 *
 * It talks only to the service's documented HTTP API: PUT /api/admin/wordpress/posts/{id} and
 * POST /api/admin/wordpress/posts/bulk (posts as WordPress's own REST API gives them, mapped by the
 * service exactly as its import-wp-json importer maps them), DELETE /api/admin/articles/{id},
 * GET /api/search, /api/tags/cloud, /api/articles/{id}/related and /health/ready.
 */

defined( 'ABSPATH' ) || exit;

define( 'INNOVATIONSFR_SEARCH_VERSION', '1.0.0' );
define( 'INNOVATIONSFR_SEARCH_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-innovationsfr-search-client.php';
require_once __DIR__ . '/includes/class-innovationsfr-search-posts.php';
require_once __DIR__ . '/includes/class-innovationsfr-search-queue.php';
require_once __DIR__ . '/includes/class-innovationsfr-search-sync.php';
require_once __DIR__ . '/includes/class-innovationsfr-search-frontend.php';
require_once __DIR__ . '/includes/class-innovationsfr-search-settings.php';

InnovationsFr_Search_Sync::register();
InnovationsFr_Search_Queue::register();
InnovationsFr_Search_Frontend::register();
InnovationsFr_Search_Settings::register();

if ( defined( 'WP_CLI' ) && WP_CLI ) {
	require_once __DIR__ . '/includes/class-innovationsfr-search-cli.php';
	WP_CLI::add_command( 'innovationsfr', 'InnovationsFr_Search_CLI' );
}

register_activation_hook( __FILE__, array( 'InnovationsFr_Search_Queue', 'schedule' ) );
register_deactivation_hook( __FILE__, array( 'InnovationsFr_Search_Queue', 'unschedule' ) );
